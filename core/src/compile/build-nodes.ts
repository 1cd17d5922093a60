/**
 * Turning discovered files and schema YAML into graph nodes, before any template is rendered: names, fqn,
 * folder + YAML config, descriptions and columns. In-file `config()` is merged later, after rendering.
 */
import path from 'node:path';
import { sha256 } from '../partial-parse/input-snapshot.js';
import { mergeConfig, resolveFolderConfig } from '../project/index.js';
import type {
  ColumnDef,
  FolderConfigTree,
  LoadedProject,
  NodeConfig,
  NodePatch,
  ProjectFile,
  SourceDef,
} from '../project/types.js';
import type { ExecutableNode, RelationRef, SourceNode, TestNode } from '../graph/types.js';

/**
 * A template's checksum, the same on every machine: line endings normalised (a Windows checkout of the
 * same commit is not "modified"), nothing of the path or the machine in it.
 */
export function textChecksum(text: string): string {
  return sha256(text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text);
}

export function fileStem(file: string): string {
  return path.posix.basename(file).replace(/\.[^.]+$/, '');
}

/** Folders between the configured root (e.g. `models`) and the file, e.g. ['staging', 'shop']. */
export function foldersOf(file: ProjectFile): string[] {
  const rel = path.posix.relative(file.rootDir, path.posix.dirname(file.path));
  return rel === '' || rel.startsWith('..') ? [] : rel.split('/');
}

export function columnsRecord(columns: readonly ColumnDef[] | undefined): Record<string, ColumnDef> {
  const out: Record<string, ColumnDef> = {};
  for (const c of columns ?? []) out[c.name] = c;
  // Keying `out` by c.name made that string a reference to the key's internalized copy, and V8 (11) stores what
  // is concatenated to such a reference in two bytes a character: each test's name, id, path and SQL built
  // from its column, and the manifest JSON of the node. The key itself (the same characters) has no such effect.
  for (const name of Object.keys(out)) out[name]!.name = name;
  return out;
}

export function patchesByName(patches: Iterable<NodePatch>): Map<string, NodePatch> {
  const map = new Map<string, NodePatch>();
  for (const p of patches) map.set(p.name, p);
  return map;
}

/** Config from folder trees and the YAML patch, before the file's own `config()` call. */
export function baseConfig(tree: FolderConfigTree, fqn: string[], patch: NodePatch | undefined): NodeConfig {
  let config = resolveFolderConfig(tree, fqn);
  if (patch) {
    config = mergeConfig(config, patch.config);
    if (patch.tags.length > 0) config = mergeConfig(config, { tags: patch.tags });
    if (Object.keys(patch.meta).length > 0) config = mergeConfig(config, { meta: patch.meta });
  }
  return config;
}

/**
 * A package's node: its own project's folder config first, then the root project's, which wins (dbt's
 * order); the YAML patch on top.
 */
function packageConfig(project: LoadedProject, pkg: string, kind: 'models' | 'seeds' | 'snapshots' | 'tests', rootTree: FolderConfigTree, fqn: string[], patch: NodePatch | undefined): NodeConfig {
  const own = project.packages?.find((p) => p.name === pkg)?.config[kind];
  const folder = mergeConfig(own ? resolveFolderConfig(own, fqn) : {}, resolveFolderConfig(rootTree, fqn));
  return mergeConfig(folder, baseConfig({ config: {}, children: {} }, fqn, patch));
}

export function newExecutableNode(
  project: LoadedProject,
  file: ProjectFile,
  resourceType: 'model' | 'seed' | 'snapshot',
  name: string,
  tree: FolderConfigTree,
  patch: NodePatch | undefined,
): ExecutableNode {
  const pkg = file.packageName ?? project.config.name;
  const fqn = [pkg, ...foldersOf(file), name];
  const config = file.packageName ? packageConfig(project, pkg, `${resourceType}s`, tree, fqn, patch) : baseConfig(tree, fqn, patch);
  return {
    unique_id: `${resourceType}.${pkg}.${name}`,
    resource_type: resourceType,
    name,
    package_name: pkg,
    original_file_path: file.path,
    line: 1,
    fqn,
    description: patch?.description ?? '',
    tags: [],
    meta: {},
    config,
    columns: columnsRecord(patch?.columns),
    depends_on: { nodes: [], macros: [] },
    raw_code: resourceType === 'seed' ? '' : file.contents,
    checksum: { name: 'sha256', checksum: resourceType === 'seed' ? file.checksum : textChecksum(file.contents) },
    schema: project.target.schema,
    alias: name,
    refs: [],
    sources: [],
  };
}

export function newSingularTest(project: LoadedProject, file: ProjectFile): TestNode {
  const pkg = file.packageName ?? project.config.name;
  const name = fileStem(file.path);
  const fqn = [pkg, ...foldersOf(file), name];
  return {
    unique_id: `test.${pkg}.${name}`,
    resource_type: 'test',
    name,
    package_name: pkg,
    original_file_path: file.path,
    line: 1,
    fqn,
    description: '',
    tags: [],
    meta: {},
    config: file.packageName ? packageConfig(project, pkg, 'tests', project.config.tests, fqn, undefined) : resolveFolderConfig(project.config.tests, fqn),
    columns: {},
    depends_on: { nodes: [], macros: [] },
    raw_code: file.contents,
    checksum: { name: 'sha256', checksum: textChecksum(file.contents) },
    refs: [],
    sources: [],
  };
}

export function buildSourceNodes(project: LoadedProject, source: SourceDef, file: string, packageName?: string): SourceNode[] {
  const pkg = packageName ?? project.config.name;
  return source.tables.map((table) => {
    const relation: RelationRef = {
      database: source.database ?? project.target.database,
      schema: source.schema,
      identifier: table.identifier ?? table.name,
    };
    const config = mergeConfig(source.config, table.config);
    const freshness = table.freshness === undefined ? source.freshness : table.freshness;
    return {
      unique_id: `source.${pkg}.${source.name}.${table.name}`,
      resource_type: 'source',
      name: table.name,
      package_name: pkg,
      original_file_path: file,
      line: table.location.line,
      fqn: [pkg, source.name, table.name],
      description: table.description,
      tags: [...new Set([...source.tags, ...table.tags, ...(config.tags ?? [])])],
      meta: { ...source.meta, ...table.meta },
      config,
      layer: typeof config.layer === 'string' ? config.layer : undefined,
      columns: columnsRecord(table.columns),
      depends_on: { nodes: [], macros: [] },
      source_name: source.name,
      database: relation.database,
      schema: relation.schema,
      identifier: relation.identifier,
      relation_name: '',
      loaded_at_field: table.loaded_at_field ?? source.loaded_at_field,
      freshness,
      source_description: source.description,
    };
  });
}
