/**
 * The two ways to write a snapshot: a `{% snapshot name %} ... {% endsnapshot %}` block in a `.sql` file
 * under the snapshot paths (its body is the node's SQL), and dbt 1.9's `snapshots:` YAML entry with
 * `relation: ref('x')` or `source('s', 't')`, whose SQL is dbt's `select * from {{ relation }}`.
 */
import path from 'node:path';
import { XformError, didYouMeanHint, isXformError, type DiagnosticBag, type SourceLocation } from '../errors.js';
import { mergeConfig } from '../project/index.js';
import type { ExecutableNode } from '../graph/types.js';
import type { LoadedProject, NodePatch, ProjectFile, SchemaFile } from '../project/types.js';
import { newExecutableNode } from './build-nodes.js';
import { positionAt } from './source-lines.js';

const OPEN = /\{%-?\s*snapshot\s+([A-Za-z_][A-Za-z0-9_]*)\s*-?%\}/;
const CLOSE = /\{%-?\s*endsnapshot\s*-?%\}/;

export function findSnapshotBlock(file: ProjectFile): { name: string; body: string; line: number } | XformError {
  const open = OPEN.exec(file.contents);
  if (!open) {
    return new XformError('XFORM_SNAPSHOT_BLOCK', `no {% snapshot <name> %} block in ${file.path}`, {
      location: { file: file.path, line: 1 },
      hint: 'a snapshot file looks like: {% snapshot orders_snapshot %} select ... {% endsnapshot %}',
    });
  }
  const start = open.index + open[0].length;
  const rest = file.contents.slice(start);
  const close = CLOSE.exec(rest);
  if (!close) {
    return new XformError('XFORM_SNAPSHOT_BLOCK', `snapshot '${open[1]}' is not closed with {% endsnapshot %}`, {
      location: { file: file.path, ...positionAt(file.contents, open.index) },
    });
  }
  const line = positionAt(file.contents, start).line;
  // Pad with the lines before the block so that template errors report the file's own line numbers.
  return { name: open[1]!, body: '\n'.repeat(line - 1) + rest.slice(0, close.index), line };
}

const NAME = `\\s*(['"])([^'"]+)\\1\\s*`;
const REF = new RegExp(`^\\s*ref\\s*\\(${NAME}(?:,${NAME.replace('\\1', '\\3')})?\\)\\s*$`);
const SOURCE = new RegExp(`^\\s*source\\s*\\(${NAME},${NAME.replace('\\1', '\\3')}\\)\\s*$`);

/** `relation:` as dbt reads it statically: one ref() or source() call with literal arguments. */
export function parseSnapshotRelation(text: string): { ref: { name: string; package?: string } } | { source: [string, string] } | undefined {
  const ref = REF.exec(text);
  if (ref) return { ref: ref[4] === undefined ? { name: ref[2]! } : { package: ref[2]!, name: ref[4] } };
  const source = SOURCE.exec(text);
  if (source) return { source: [source[2]!, source[4]!] };
  return undefined;
}

/** A YAML snapshot: the node, and where its SQL is written under target/ (dbt: `<yaml folder>/<name>.sql`). */
export interface YamlSnapshot {
  node: ExecutableNode;
  sqlPath: string;
  relationLocation: SourceLocation;
}

/**
 * The node of a `snapshots:` entry with `relation:`; its own entry is its patch (description, columns,
 * tests, config). An invalid relation is an error (XFORM_SNAPSHOT_RELATION) at the `relation:` line.
 */
export function yamlSnapshotNode(project: LoadedProject, schemaFile: SchemaFile, patch: NodePatch): YamlSnapshot | XformError {
  const relation = patch.relation!;
  if (parseSnapshotRelation(relation.text) === undefined) {
    const bare = /^\s*\{\{\s*(.*?)\s*\}\}\s*$/.exec(relation.text)?.[1];
    return new XformError(
      'XFORM_SNAPSHOT_RELATION',
      `relation of snapshot '${patch.name}' in ${schemaFile.path} must be "ref('model')" or "source('source', 'table')", got "${relation.text}"`,
      {
        location: relation.location,
        hint: bare !== undefined && parseSnapshotRelation(bare) ? `write it without the braces: relation: "${bare}"` : "e.g. relation: ref('stg_customers')",
      },
    );
  }
  const file: ProjectFile = {
    path: schemaFile.path,
    absPath: path.resolve(project.root, schemaFile.path),
    contents: '',
    checksum: schemaFile.checksum ?? '',
    rootDir: schemaFile.rootDir ?? path.posix.dirname(schemaFile.path),
    packageName: schemaFile.packageName,
  };
  const node = newExecutableNode(project, file, 'snapshot', patch.name, project.config.snapshots, patch);
  node.raw_code = `select * from {{ ${relation.text.trim()} }}`;
  node.line = patch.location.line ?? 1;
  return { node, sqlPath: path.posix.join(path.posix.dirname(schemaFile.path), `${patch.name}.sql`), relationLocation: relation.location };
}

/** Every snapshot of the project, with the YAML entry that configures each (its patch) where there is one. */
export interface CollectedSnapshots {
  nodes: ExecutableNode[];
  patches: Map<string, NodePatch>;
  yaml: Map<string, YamlSnapshot>;
}

/**
 * Block snapshots take a same-name `snapshots:` entry without `relation:` as their patch (looked up in
 * their own package's YAML); entries with `relation:` are snapshots themselves. An entry that is neither
 * a snapshot nor the patch of one draws a warning.
 */
export function collectSnapshots(project: LoadedProject, bag: DiagnosticBag): CollectedSnapshots {
  const out: CollectedSnapshots = { nodes: [], patches: new Map(), yaml: new Map() };
  const patchOf = new Map<string, { patch: NodePatch; file: SchemaFile; used: boolean }>();
  const key = (pkg: string | undefined, name: string) => `${pkg ?? ''}\u0000${name}`;
  for (const schemaFile of project.schemaFiles) {
    for (const patch of schemaFile.snapshots) {
      if (patch.relation === undefined) {
        patchOf.set(key(schemaFile.packageName, patch.name), { patch, file: schemaFile, used: false });
        continue;
      }
      const built = yamlSnapshotNode(project, schemaFile, patch);
      if (isXformError(built)) {
        bag.addError(built);
        continue;
      }
      built.node.config = mergeConfig({ materialized: 'snapshot' }, built.node.config);
      out.nodes.push(built.node);
      out.patches.set(built.node.unique_id, patch);
      out.yaml.set(built.node.unique_id, built);
    }
  }
  for (const file of project.snapshots) {
    const block = findSnapshotBlock(file);
    if (isXformError(block)) {
      bag.addError(block);
      continue;
    }
    const found = patchOf.get(key(file.packageName, block.name));
    if (found) found.used = true;
    const node = newExecutableNode(project, file, 'snapshot', block.name, project.config.snapshots, found?.patch);
    node.raw_code = block.body;
    node.line = block.line;
    node.config = mergeConfig({ materialized: 'snapshot' }, node.config);
    out.nodes.push(node);
    if (found) out.patches.set(node.unique_id, found.patch);
  }
  for (const { patch, file, used } of patchOf.values()) {
    if (used) continue;
    bag.warning(
      'XFORM_PATCH_NO_NODE',
      `snapshot '${patch.name}' in ${file.path} matches no {% snapshot %} block and has no relation:`,
      patch.location,
      didYouMeanHint(patch.name, [...out.nodes.map((n) => n.name)]) ?? "add relation: ref('<model>') to snapshot it from this YAML (dbt 1.9)",
    );
  }
  return out;
}
