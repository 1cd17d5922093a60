/**
 * Descriptions are templates, as in dbt: `description: "{{ doc('orders_status') }}"` in schema YAML is
 * replaced by the text of the docs block `orders_status`. Docs blocks are rendered first (like dbt, with
 * no node in scope), then every description of models, seeds, snapshots, their columns, sources, source
 * tables and tests, with `doc()` available. `doc()` exists only here, not in model SQL (as in dbt).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { XformError, didYouMeanHint, isXformError, type DiagnosticBag, type SourceLocation } from '../errors.js';
import type { ColumnDef, LoadedProject, NodePatch } from '../project/types.js';
import type { ExecutableNode, GraphNode, SourceNode, TestNode } from '../graph/types.js';
import { pyFunction, type TemplateEngine } from '../template/index.js';

/** A docs block in the manifest, shaped as dbt's `docs` entries. */
export interface ManifestDoc {
  unique_id: string;
  name: string;
  resource_type: 'doc';
  package_name: string;
  path: string;
  original_file_path: string;
  block_contents: string;
}

export interface DescriptionsInput {
  project: LoadedProject;
  engine: TemplateEngine;
  bag: DiagnosticBag;
  executables: readonly ExecutableNode[];
  sources: readonly SourceNode[];
  tests: readonly TestNode[];
}

const TEMPLATE = /\{[{%]/;

export interface RenderedDescriptions {
  /** The manifest's `docs`. */
  docs: Record<string, ManifestDoc>;
  /** Rendered descriptions of macros from `macros:` in schema YAML, by macro name. */
  macros: Map<string, string>;
  /** Rendered descriptions of macro arguments, by `macro.argument`. */
  macroArguments: Map<string, string>;
  /** Rendered descriptions of exposures, by exposure name. */
  exposures: Map<string, string>;
}

/** Renders every description of the nodes in place, and those of `macros:` and `exposures:` entries. */
export function renderDescriptions(input: DescriptionsInput): RenderedDescriptions {
  const { project, engine, bag } = input;
  const pkg = project.config.name;
  const docs: Record<string, ManifestDoc> = {};
  const byName = new Map<string, ManifestDoc>();
  for (const block of project.docs ?? []) {
    let contents: string;
    try {
      contents = TEMPLATE.test(block.contents) ? engine.renderString(block.original_file_path, block.contents, {}) : block.contents;
    } catch (err) {
      bag.addError(relocate(err, { file: block.original_file_path, line: block.line }));
      continue;
    }
    const doc: ManifestDoc = {
      unique_id: `doc.${pkg}.${block.name}`,
      name: block.name,
      resource_type: 'doc',
      package_name: pkg,
      path: block.path,
      original_file_path: block.original_file_path,
      block_contents: contents.trim(),
    };
    docs[doc.unique_id] = doc;
    byName.set(doc.name, doc);
  }

  /** Where the description being rendered was written: its YAML file and the line of its entry. */
  let at: SourceLocation = { file: '' };
  const doc = pyFunction((args) => {
    if (args.length < 1 || args.length > 2) {
      throw new XformError('XFORM_DOC_INVALID', `doc() takes a docs block name, or a package and a name (got ${args.length} arguments)`, { location: at, hint: "write {{ doc('orders_status') }}" });
    }
    const [docPkg, name] = args.length === 2 ? [String(args[0]), String(args[1])] : [undefined, String(args[0])];
    const found = docPkg === undefined || docPkg === pkg ? byName.get(name) : undefined;
    if (found) return found.block_contents;
    const written = docPkg === undefined ? `doc('${name}')` : `doc('${docPkg}', '${name}')`;
    const where = docPkg === undefined || docPkg === pkg ? '' : ` (there is no package '${docPkg}' with docs; this project is '${pkg}')`;
    throw new XformError('XFORM_DOC_NOT_FOUND', `${written} refers to a docs block that does not exist${where}`, {
      location: locateDocCall(project.root, at, name),
      hint: didYouMeanHint(name, byName.keys()) ?? `define it in a .md file under the models folder: {% docs ${name} %} ... {% enddocs %}`,
    });
  });

  const render = (text: string, location: SourceLocation): string => {
    if (!TEMPLATE.test(text)) return text;
    at = location;
    try {
      return engine.renderString(location.file, text, { doc });
    } catch (err) {
      bag.addError(relocate(err, location));
      return text;
    }
  };
  const columns = (record: Record<string, ColumnDef>, defs: readonly ColumnDef[], file: string): Record<string, ColumnDef> => {
    const out: Record<string, ColumnDef> = { ...record };
    for (const def of defs) {
      const column = out[def.name];
      if (column && TEMPLATE.test(column.description)) out[def.name] = { ...column, description: render(column.description, { ...def.location, file }) };
    }
    return out;
  };

  const patches = new Map<string, { patch: NodePatch; file: string }>();
  for (const schemaFile of project.schemaFiles) {
    for (const [kind, list] of [['model', schemaFile.models], ['seed', schemaFile.seeds], ['snapshot', schemaFile.snapshots]] as const) {
      for (const patch of list) patches.set(`${kind}.${pkg}.${patch.name}`, { patch, file: schemaFile.path });
    }
  }
  for (const node of input.executables) {
    const found = patches.get(node.unique_id);
    if (!found) continue;
    node.description = render(node.description, { ...found.patch.location, file: found.file });
    node.columns = columns(node.columns, found.patch.columns, found.file);
  }
  const sourcesById = new Map<string, GraphNode>(input.sources.map((s) => [s.unique_id, s]));
  for (const schemaFile of project.schemaFiles) {
    for (const source of schemaFile.sources) {
      for (const table of source.tables) {
        const node = sourcesById.get(`source.${pkg}.${source.name}.${table.name}`) as SourceNode | undefined;
        if (!node) continue;
        node.description = render(node.description, { ...table.location, file: schemaFile.path });
        node.source_description = render(node.source_description, { ...source.location, file: schemaFile.path });
        node.columns = columns(node.columns, table.columns, schemaFile.path);
      }
    }
  }
  for (const test of input.tests) {
    if (test.description) test.description = render(test.description, { file: test.original_file_path, ...(test.line === undefined ? {} : { line: test.line }) });
  }
  const macros = new Map<string, string>();
  const macroArguments = new Map<string, string>();
  const exposures = new Map<string, string>();
  for (const schemaFile of project.schemaFiles) {
    for (const entry of schemaFile.described ?? []) {
      const text = render(entry.description, { ...entry.location, file: schemaFile.path });
      ({ macro: macros, macro_argument: macroArguments, exposure: exposures })[entry.kind].set(entry.name, text);
    }
  }
  return { docs, macros, macroArguments, exposures };
}

/** An error of a description's template, reported at the description's entry in its YAML file. */
function relocate(err: unknown, location: SourceLocation): unknown {
  if (!isXformError(err) || err.code === 'XFORM_DOC_NOT_FOUND' || err.code === 'XFORM_DOC_INVALID') return err;
  return new XformError(err.code, err.message, { location, hint: err.hint, cause: err });
}

/** The line of the `doc('name')` call, searched from the entry's line on; the entry's line when not found. */
function locateDocCall(root: string, at: SourceLocation, name: string): SourceLocation {
  try {
    const lines = readFileSync(path.join(root, at.file), 'utf8').split('\n');
    const call = new RegExp(`doc\\s*\\([^)]*['"]${name.replace(/[^\w]/g, '\\$&')}['"]`);
    for (let i = Math.max(0, (at.line ?? 1) - 1); i < lines.length; i++) {
      if (call.test(lines[i]!)) return { file: at.file, line: i + 1 };
    }
  } catch {
    // The file is gone or unreadable: the entry's line is still right.
  }
  return at;
}
