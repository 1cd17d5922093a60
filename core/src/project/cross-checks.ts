/**
 * Checks that need the whole project at once: duplicate names across files, schema entries that describe
 * nothing, layers named in schema YAML, and folder configs that match no file. Each is one pass with maps
 * (10,000-model projects: no pairwise comparisons).
 */
import { didYouMean, type DiagnosticBag, type SourceLocation } from '../errors.js';
import { fileFqn, type DiscoveredFiles } from './discovery.js';
import { checkLayerValue, warnUnusedFolderPaths } from './folder-config.js';
import type { NodeConfig, ProjectConfig, ProjectFile, SchemaFile } from './types.js';

const where = (loc: SourceLocation) => (loc.line === undefined ? loc.file : `${loc.file}:${loc.line}`);

/** The node name of a file: its base name without extension. */
export function fileNodeName(file: Pick<ProjectFile, 'path'>): string {
  const base = file.path.slice(file.path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/** Two models (or seeds, or a model and a seed) with one name would make `ref()` ambiguous. */
export function checkDuplicateFiles(files: DiscoveredFiles, bag: DiagnosticBag): void {
  const owners = new Map<string, { kind: 'model' | 'seed'; file: ProjectFile }>();
  const visit = (kind: 'model' | 'seed', file: ProjectFile) => {
    const name = fileNodeName(file);
    const first = owners.get(name);
    if (!first) {
      owners.set(name, { kind, file });
      return;
    }
    const code = first.kind !== kind ? 'XFORM_DUPLICATE_RESOURCE' : kind === 'model' ? 'XFORM_DUPLICATE_MODEL' : 'XFORM_DUPLICATE_SEED';
    bag.error(
      code,
      `two ${first.kind === kind ? `${kind}s` : 'resources'} are named '${name}': ${first.file.path} and ${file.path}`,
      { file: file.path, line: 1, column: 1 },
      'names must be unique across folders so that ref() is unambiguous; rename one of the files',
    );
  };
  for (const f of files.models) visit('model', f);
  for (const f of files.seeds) visit('seed', f);
}

/** One schema entry per model/seed/snapshot, source, and unit test; entries must describe something. */
export function checkSchemaEntries(schemaFiles: SchemaFile[], files: DiscoveredFiles, config: ProjectConfig, bag: DiagnosticBag): void {
  const modelNames = new Set(files.models.map(fileNodeName));
  const seedNames = new Set(files.seeds.map(fileNodeName));
  const firstSeen = new Map<string, SourceLocation>();
  const once = (key: string, what: string, location: SourceLocation, code: string): void => {
    const first = firstSeen.get(key);
    if (first) {
      bag.error(code, `${what} is defined twice: ${where(first)} and ${where(location)}`, location, 'merge the two entries into one');
    } else {
      firstSeen.set(key, location);
    }
  };
  const checkLayer = (cfg: NodeConfig, location: SourceLocation) => {
    const problem = checkLayerValue(cfg.layer, config.layers);
    if (problem) {
      const suggestion = didYouMean(String(cfg.layer), config.layers);
      bag.error('XFORM_LAYER_UNKNOWN', problem, location, suggestion ? `did you mean '${suggestion}'?` : undefined);
    }
  };

  for (const schema of schemaFiles) {
    for (const [kind, list, names] of [
      ['model', schema.models, modelNames],
      ['seed', schema.seeds, seedNames],
      ['snapshot', schema.snapshots, undefined],
    ] as const) {
      for (const patch of list) {
        once(`${kind}\u0000${patch.name}`, `${kind} '${patch.name}'`, patch.location, 'XFORM_DUPLICATE_PATCH');
        checkLayer(patch.config, patch.location);
        // Snapshot entries are snapshots themselves (relation:) or patches of {% snapshot %} blocks, matched when compiling.
        if (names && !names.has(patch.name)) {
          const suggestion = didYouMean(patch.name, names);
          bag.warning(
            'XFORM_PATCH_NO_NODE',
            `${kind} '${patch.name}' in ${schema.path} matches no ${kind} file` + (suggestion ? ` — did you mean '${suggestion}'?` : ''),
            patch.location,
            suggestion ? `did you mean '${suggestion}'?` : undefined,
          );
        }
      }
    }
    for (const source of schema.sources) {
      once(`source\u0000${source.name}`, `source '${source.name}'`, source.location, 'XFORM_DUPLICATE_SOURCE');
      checkLayer(source.config, source.location);
      const tables = new Map<string, SourceLocation>();
      for (const table of source.tables) {
        const first = tables.get(table.name);
        if (first) {
          bag.error('XFORM_DUPLICATE_SOURCE', `table '${table.name}' is listed twice in source '${source.name}': ${where(first)} and ${where(table.location)}`, table.location);
        } else tables.set(table.name, table.location);
        checkLayer(table.config, table.location);
      }
    }
    for (const test of schema.unitTests) {
      once(`unit\u0000${test.model}\u0000${test.name}`, `unit test '${test.name}' of model '${test.model}'`, test.location, 'XFORM_DUPLICATE_UNIT_TEST');
      // An unknown model is a compile error (quality/unit-test-nodes.ts), where the model names are final.
    }
  }
}

/** Folder configs in xform_project.yml that configure no model or seed (usually a misspelt folder). */
export function checkUnusedFolderConfigs(config: ProjectConfig, files: DiscoveredFiles, bag: DiagnosticBag): void {
  warnUnusedFolderPaths(config.models, 'models', config.name, files.models.map((f) => fileFqn(config.name, f)), 'model', bag);
  warnUnusedFolderPaths(config.seeds, 'seeds', config.name, files.seeds.map((f) => fileFqn(config.name, f)), 'seed', bag);
}
