/**
 * Folder config trees from xform_project.yml (`models: { shop: { staging: { +materialized: view } } }`),
 * resolved per node from the root to the node's folder, like dbt.
 */
import { didYouMean, type DiagnosticBag } from '../errors.js';
import { isFolderConfigKey, mergeConfig, normalizeConfig } from './node-config.js';
import type { FolderConfigTree, NodeConfig } from './types.js';
import { formatYamlPath, isPlainObject, type YamlPath, type YamlSource } from './yaml-doc.js';

export function emptyFolderTree(): FolderConfigTree {
  return { config: {}, children: {} };
}

/**
 * Reads one level of a folder tree. `+key` is always config; a bare key that is a known config key is config
 * too — unless its value is a mapping holding `+` keys, which only a folder can have; any other bare key
 * with a mapping (or empty) value is a sub-folder. A bare unknown key with a scalar value cannot be a folder,
 * so it is kept as config and warned about (usually a typo of a config key).
 */
export function parseFolderConfigTree(raw: unknown, src: YamlSource, path: YamlPath, bag: DiagnosticBag, errorCode: string): FolderConfigTree {
  const tree: FolderConfigTree = { config: {}, children: {}, location: src.locate(path, 'key') };
  if (raw === null || raw === undefined) return tree;
  if (!isPlainObject(raw)) {
    bag.error(errorCode, `'${formatYamlPath(path)}' in ${src.file} must be a mapping of folders and +config keys`, src.locate(path));
    return tree;
  }
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const folderLike = value === null || isPlainObject(value);
    const holdsPlusKeys = isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('+'));
    if (key.startsWith('+') || (isFolderConfigKey(key) && !holdsPlusKeys) || !folderLike) {
      config[key] = value;
    } else {
      tree.children[key] = parseFolderConfigTree(value, src, [...path, key], bag, errorCode);
    }
  }
  tree.config = normalizeConfig(config, (key) => src.locate([...path, key], 'key'), bag);
  return tree;
}

/**
 * The config a node gets from a folder tree: the root's config merged (mergeConfig) with every level along
 * `fqnFolders`, e.g. `['shop', 'staging']` or a full fqn `['shop', 'staging', 'stg_orders']` (a tree
 * may configure one model by name). Stops at the first segment the tree does not have.
 */
export function resolveFolderConfig(tree: FolderConfigTree, fqnFolders: string[]): NodeConfig {
  let config = tree.config;
  let node: FolderConfigTree | undefined = tree;
  for (const segment of fqnFolders) {
    node = Object.hasOwn(node.children, segment) ? node.children[segment] : undefined;
    if (!node) break;
    config = mergeConfig(config, node.config);
  }
  return config;
}

/** Calls `visit` for every level of the tree with its config and YAML path (for checks such as layers). */
export function walkFolderTree(tree: FolderConfigTree, path: YamlPath, visit: (node: FolderConfigTree, path: YamlPath) => void): void {
  visit(tree, path);
  for (const [name, child] of Object.entries(tree.children)) walkFolderTree(child, [...path, name], visit);
}

/**
 * Warns about tree paths under the project's own name that match no resource (dbt's "unused configuration
 * paths"): a misspelt folder silently configures nothing otherwise. `fqns` are the resources' fqns
 * (`[project, ...folders, name]`). Work is linear in the total length of the fqns plus the tree size.
 */
export function warnUnusedFolderPaths(
  tree: FolderConfigTree,
  treeKey: string,
  projectName: string,
  fqns: Iterable<readonly string[]>,
  resourceWord: string,
  bag: DiagnosticBag,
): void {
  const root = tree.children[projectName];
  if (!root) return;
  // parent prefix -> the child names that exist below it
  const childrenOf = new Map<string, Set<string>>();
  for (const fqn of fqns) {
    let prefix = '';
    for (let i = 1; i < fqn.length; i++) {
      const set = childrenOf.get(prefix) ?? new Set<string>();
      set.add(fqn[i]!);
      childrenOf.set(prefix, set);
      prefix += `/${fqn[i]}`;
    }
  }
  const visit = (node: FolderConfigTree, prefix: string, yamlPath: string[]): void => {
    for (const [name, child] of Object.entries(node.children)) {
      const existing = childrenOf.get(prefix);
      if (!existing?.has(name)) {
        const suggestion = existing ? didYouMean(name, existing) : undefined;
        const shown = [treeKey, ...yamlPath, name].join('.');
        bag.warning(
          'XFORM_CONFIG_UNUSED_PATH',
          `'${shown}' in xform_project.yml matches no ${resourceWord}` + (suggestion ? ` — did you mean '${suggestion}'?` : ''),
          child.location,
          suggestion ? `did you mean '${suggestion}'?` : undefined,
        );
        continue;
      }
      visit(child, `${prefix}/${name}`, [...yamlPath, name]);
    }
  };
  visit(root, '', [projectName]);
}

/** `+layer` must name one of the project's layers. */
export function checkLayerValue(layer: unknown, layers: readonly string[]): string | undefined {
  if (typeof layer !== 'string' || layers.includes(layer)) return undefined;
  const suggestion = didYouMean(layer, layers);
  return `unknown layer '${layer}' (layers: ${layers.join(', ')})` + (suggestion ? ` — did you mean '${suggestion}'?` : '');
}
