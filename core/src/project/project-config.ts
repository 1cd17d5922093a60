/**
 * xform_project.yml: the dbt-compatible project settings (kebab-case keys), validated with zod, with
 * folder config trees and layers.
 */
import * as z from 'zod';
import { DiagnosticBag, didYouMean } from '../errors.js';
import { checkLayerValue, emptyFolderTree, parseFolderConfigTree, walkFolderTree } from './folder-config.js';
import { MODEL_MATERIALIZATIONS } from './node-config.js';
import type { FolderConfigTree, ProjectConfig } from './types.js';
import { hasJinja, projectKeyIsLate, renderTree, type RenderFn } from './config-render.js';
import { satisfiesVersion, xformVersion } from './version.js';
import { isPlainObject, parseYaml, validateYaml, type YamlSource } from './yaml-doc.js';

export const PROJECT_FILE = 'xform_project.yml';
/** dbt's project file, read as it is wherever xform_project.yml is absent. */
export const DBT_PROJECT_FILE = 'dbt_project.yml';
export const DEFAULT_LAYERS: readonly string[] = ['bronze', 'silver', 'gold'];
const INVALID = 'XFORM_PROJECT_CONFIG_INVALID';
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const pathList = z.union([z.string(), z.array(z.string())]).nullable().optional();
const stringOrList = z.union([z.string(), z.array(z.string())]).nullable().optional();
const tree = z.record(z.string(), z.unknown()).nullable().optional();
const anyMap = z.record(z.string(), z.unknown()).nullable().optional();

const projectSchema = z.strictObject({
  name: z.string(),
  version: z.union([z.string(), z.number()]).optional(),
  'config-version': z.number().optional(),
  profile: z.string().optional(),
  'model-paths': pathList,
  'seed-paths': pathList,
  'test-paths': pathList,
  'macro-paths': pathList,
  'snapshot-paths': pathList,
  'analysis-paths': pathList,
  'docs-paths': pathList,
  'asset-paths': pathList,
  'target-path': z.string().optional(),
  'clean-targets': pathList,
  'packages-install-path': z.string().optional(),
  vars: anyMap,
  layers: z.array(z.string()).optional(),
  'layer-rules': z
    .strictObject({ 'forbid-backward': z.boolean().optional(), 'forbid-skip': z.boolean().optional() })
    .nullable()
    .optional(),
  models: tree,
  seeds: tree,
  tests: tree,
  data_tests: tree,
  snapshots: tree,
  sources: tree,
  'on-run-start': stringOrList,
  'on-run-end': stringOrList,
  'require-xform-version': stringOrList,
  quoting: anyMap,
  flags: anyMap,
  'query-comment': z.unknown().optional(),
  dispatch: z
    .array(z.strictObject({ macro_namespace: z.string(), search_order: z.array(z.string()) }))
    .nullable()
    .optional(),
  // dbt keys xform reads but does not act on (dbt's own version check, dbt Cloud and semantic-layer keys).
  'require-dbt-version': stringOrList,
  'log-path': z.string().optional(),
  'restrict-access': z.boolean().optional(),
  exposures: anyMap,
  metrics: anyMap,
  'semantic-models': anyMap,
  'saved-queries': anyMap,
  unit_tests: anyMap,
  'dbt-cloud': anyMap,
});

type RawProject = z.infer<typeof projectSchema>;

function list(value: string | string[] | null | undefined, fallback: string[]): string[] {
  if (value === null || value === undefined) return fallback;
  return (Array.isArray(value) ? value : [value]).map(cleanPath);
}

/** Posix separators, no `./` prefix, no trailing slash: these become path prefixes of ProjectFile.path. */
function cleanPath(p: string): string {
  const posix = p.replaceAll('\\', '/').replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  return posix === '' ? '.' : posix;
}

/**
 * Parses and validates xform_project.yml (or dbt_project.yml) text. Problems go to `bag`; the result is
 * undefined when the file cannot be used at all (syntax error, wrong types, missing name). With `render`,
 * Jinja in values is rendered first, except where dbt renders later (vars, hooks).
 */
export function parseProjectConfig(
  text: string,
  bag: DiagnosticBag,
  file = PROJECT_FILE,
  render?: (src: YamlSource) => RenderFn,
  /** Installed packages, whose names are expected at the first level of `models:` etc. */
  packageNames: readonly string[] = [],
): ProjectConfig | undefined {
  const parsed = parseYaml(text, file, bag);
  if (!parsed) return undefined;
  const src: YamlSource = render
    ? { file: parsed.file, value: renderTree(parsed.value, [], render(parsed), projectKeyIsLate), locate: (p, at) => parsed.locate(p, at) }
    : parsed;
  if (src.value === undefined) {
    bag.error(INVALID, `${file} is empty: it needs at least a 'name'`, { file, line: 1, column: 1 });
    return undefined;
  }
  const raw = validateYaml(projectSchema, { src, bag, errorCode: INVALID, typosAreErrors: true });
  if (!raw) return undefined;
  const errorsBefore = bag.errors.length;

  if (!IDENTIFIER.test(raw.name)) {
    const fixed = raw.name.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1');
    bag.error(
      INVALID,
      `project name '${raw.name}' in ${file} must be an identifier (letters, digits and underscores, not starting with a digit)`,
      src.locate(['name']),
      `did you mean '${fixed}'?`,
    );
  }
  const layers = raw.layers ?? [...DEFAULT_LAYERS];
  checkLayers(layers, src, bag);
  checkRequiredVersion(raw, src, bag);

  const trees = {} as Record<'models' | 'seeds' | 'tests' | 'snapshots' | 'sources', FolderConfigTree>;
  for (const key of ['models', 'seeds', 'tests', 'snapshots', 'sources'] as const) {
    // dbt 1.8 renamed `tests:` to `data_tests:`; both configure the same tree.
    const yamlKey = key === 'tests' && raw.data_tests != null ? 'data_tests' : key;
    trees[key] = raw[yamlKey] == null ? emptyFolderTree() : parseFolderConfigTree(raw[yamlKey], src, [yamlKey], bag, INVALID);
    checkTreeLayers(trees[key], yamlKey, layers, src, bag);
    if (key === 'models') checkTreeMaterialized(trees[key], yamlKey, src, bag);
    checkFirstLevel(trees[key], yamlKey, raw.name, packageNames, src, bag);
  }
  if (bag.errors.length > errorsBefore) return undefined;
  const unrendered = render !== undefined && hasJinja(text) ? unrenderedTrees(parsed) : undefined;

  return {
    ...(unrendered === undefined ? {} : { unrenderedConfig: unrendered }),
    name: raw.name,
    version: raw.version === undefined ? '1.0.0' : String(raw.version),
    profile: raw.profile,
    modelPaths: list(raw['model-paths'], ['models']),
    seedPaths: list(raw['seed-paths'], ['seeds']),
    testPaths: list(raw['test-paths'], ['tests']),
    macroPaths: list(raw['macro-paths'], ['macros']),
    snapshotPaths: list(raw['snapshot-paths'], ['snapshots']),
    analysisPaths: list(raw['analysis-paths'], ['analyses']),
    docsPaths: list(raw['docs-paths'], []),
    targetPath: cleanPath(raw['target-path'] ?? 'target'),
    // dbt's project skeleton lists both: without clean-targets, clean removes what xform itself writes.
    cleanTargets: list(raw['clean-targets'], [cleanPath(raw['target-path'] ?? 'target'), cleanPath(raw['packages-install-path'] ?? 'dbt_packages')]),
    vars: raw.vars ?? {},
    layers,
    layerRules: {
      forbidBackward: raw['layer-rules']?.['forbid-backward'] ?? false,
      forbidSkip: raw['layer-rules']?.['forbid-skip'] ?? false,
    },
    models: trees.models,
    seeds: trees.seeds,
    tests: trees.tests,
    snapshots: trees.snapshots,
    sources: trees.sources,
    onRunStart: asHooks(raw['on-run-start']),
    onRunEnd: asHooks(raw['on-run-end']),
    quoting: raw.quoting ?? undefined,
    flags: raw.flags ?? undefined,
    requireXformVersion: raw['require-xform-version'] == null ? undefined : asHooks(raw['require-xform-version']),
    packagesInstallPath: cleanPath(raw['packages-install-path'] ?? 'dbt_packages'),
    dispatch: raw.dispatch ?? [],
    file,
  };
}

/**
 * The folder trees as written, Jinja not rendered: dbt compares these (its `unrendered_config`) for
 * `state:modified`, so that `+materialized: "{{ 'table' if target.name == 'prod' else 'view' }}"` is not a
 * change between production and a CI target. Problems were reported for the rendered trees already.
 */
function unrenderedTrees(parsed: YamlSource): ProjectConfig['unrenderedConfig'] {
  const value = parsed.value;
  if (!isPlainObject(value)) return undefined;
  const scratch = new DiagnosticBag();
  const out: NonNullable<ProjectConfig['unrenderedConfig']> = {};
  for (const key of ['models', 'seeds', 'snapshots'] as const) {
    if (value[key] != null) out[key] = parseFolderConfigTree(value[key], parsed, [key], scratch, INVALID);
  }
  return out;
}

/** Hook SQL must keep its text as written (cleanPath is for paths only). */
function asHooks(value: string | string[] | null | undefined): string[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? [...value] : [value];
}

function checkLayers(layers: string[], src: YamlSource, bag: DiagnosticBag): void {
  const seen = new Set<string>();
  layers.forEach((layer, i) => {
    if (!IDENTIFIER.test(layer)) {
      bag.error(INVALID, `layer '${layer}' in ${src.file} must be an identifier`, src.locate(['layers', i]));
    } else if (seen.has(layer)) {
      bag.error(INVALID, `layer '${layer}' is listed twice in ${src.file}; layers are an ordered list of distinct names`, src.locate(['layers', i]));
    }
    seen.add(layer);
  });
}

function checkTreeLayers(tree: FolderConfigTree, key: string, layers: string[], src: YamlSource, bag: DiagnosticBag): void {
  walkFolderTree(tree, [key], (node, path) => {
    const problem = checkLayerValue(node.config.layer, layers);
    if (!problem) return;
    const keyName = Object.keys((valueAtPath(src.value, path) as Record<string, unknown>) ?? {}).find((k) => k.replace(/^\+/, '') === 'layer') ?? '+layer';
    const suggestion = didYouMean(String(node.config.layer), layers);
    bag.error('XFORM_LAYER_UNKNOWN', `${problem} in ${src.file}`, src.locate([...path, keyName]), suggestion ? `did you mean '${suggestion}'?` : undefined);
  });
}

/**
 * A folder's `+materialized` is checked here, at its line: otherwise every model below it reports the typo
 * at the model, where it is not written.
 */
function checkTreeMaterialized(tree: FolderConfigTree, key: string, src: YamlSource, bag: DiagnosticBag): void {
  walkFolderTree(tree, [key], (node, path) => {
    const value = node.config.materialized;
    if (typeof value !== 'string' || (MODEL_MATERIALIZATIONS as readonly string[]).includes(value)) return;
    const keyName = Object.keys((valueAtPath(src.value, path) as Record<string, unknown>) ?? {}).find((k) => k.replace(/^\+/, '') === 'materialized') ?? '+materialized';
    const suggestion = didYouMean(value, MODEL_MATERIALIZATIONS);
    bag.error(
      'XFORM_UNKNOWN_MATERIALIZATION',
      `unknown materialization '${value}' for the models under '${path.join('.')}' in ${src.file}; expected one of ${MODEL_MATERIALIZATIONS.join(', ')}`,
      src.locate([...path, keyName]),
      suggestion ? `did you mean '${suggestion}'?` : undefined,
    );
  });
}

function valueAtPath(value: unknown, path: readonly (string | number)[]): unknown {
  let cur = value;
  for (const segment of path) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[segment] : undefined;
  return cur;
}

/** The first level under `models:` is the project (or a package) name; a near-miss of the project's name is a typo. */
function checkFirstLevel(tree: FolderConfigTree, key: string, projectName: string, packageNames: readonly string[], src: YamlSource, bag: DiagnosticBag): void {
  for (const name of Object.keys(tree.children)) {
    if (name === projectName || packageNames.includes(name)) continue;
    const suggestion = didYouMean(name, [projectName]);
    if (suggestion) {
      bag.warning(
        'XFORM_CONFIG_UNUSED_PATH',
        `'${key}.${name}' in ${src.file} is not the project name '${projectName}' (nor a known package) — did you mean '${projectName}'?`,
        src.locate([key, name], 'key'),
        `did you mean '${projectName}'?`,
      );
    }
  }
}

function checkRequiredVersion(raw: RawProject, src: YamlSource, bag: DiagnosticBag): void {
  const required = raw['require-xform-version'];
  if (required == null) return;
  const ranges = Array.isArray(required) ? required : [required];
  const current = xformVersion();
  ranges.forEach((range, i) => {
    const path = Array.isArray(required) ? ['require-xform-version', i] : ['require-xform-version'];
    const result = satisfiesVersion(current, range);
    if (result === 'invalid') {
      bag.error(INVALID, `'require-xform-version' in ${src.file}: cannot read version range '${range}' (expected e.g. ">=0.1.0" or ">=0.1.0, <1.0.0")`, src.locate(path));
    } else if (!result) {
      bag.error('XFORM_VERSION_MISMATCH', `this project requires xform ${range}, but this is xform ${current}`, src.locate(path));
    }
  });
}
