/**
 * Where each node is built: database, schema and alias, with dbt's rules. A custom schema is appended to the
 * target schema (`analytics` + `marts` -> `analytics_marts`) unless the project defines its own
 * `generate_schema_name` macro; likewise `generate_alias_name` and `generate_database_name`. Whether the
 * names fit the warehouse and are distinct is checked by relation-names.ts.
 */
import type { DiagnosticBag } from '../errors.js';
import type { ExecutableNode } from '../graph/types.js';
import type { LoadedProject } from '../project/types.js';
import { INTERNAL_PACKAGE, type TemplateEngine } from '../template/index.js';
import type { RenderContext } from './render-context.js';

function macroText(value: unknown): string {
  return String(value ?? '').trim();
}

export function nameRelations(
  project: LoadedProject,
  nodes: readonly ExecutableNode[],
  engine: TemplateEngine,
  ctx: RenderContext,
  bag: DiagnosticBag,
): void {
  const target = project.target;
  // dbt's own generate_*_name macros (the internal package's) give the names computed here, without a render.
  const projectMacro = (name: string) => engine.hasMacro(name) && engine.macroInfoOf(name)?.packageName !== INTERNAL_PACKAGE;
  const schemaMacro = projectMacro('generate_schema_name');
  const aliasMacro = projectMacro('generate_alias_name');
  const databaseMacro = projectMacro('generate_database_name');
  for (const node of nodes) {
    const custom = node.config;
    try {
      const names = schemaMacro || aliasMacro || databaseMacro ? ctx.begin({ node, mode: 'final' }) : {};
      node.schema = schemaMacro
        ? macroText(engine.callMacro('generate_schema_name', [custom.schema ?? null, node], names))
        : custom.schema
          ? `${target.schema}_${custom.schema.trim()}`
          : target.schema;
      node.alias = aliasMacro
        ? macroText(engine.callMacro('generate_alias_name', [custom.alias ?? null, node], names))
        : (custom.alias ?? node.name);
      const database = databaseMacro
        ? macroText(engine.callMacro('generate_database_name', [custom.database ?? null, node], names))
        : (custom.database ?? target.database);
      node.database = database === '' ? undefined : database;
      if (node.resource_type === 'snapshot') legacySnapshotTarget(node);
    } catch (err) {
      bag.addError(err, { file: node.original_file_path });
    }
  }
}

/**
 * dbt's legacy snapshot configs: target_schema and target_database name the schema and database as written,
 * without generate_schema_name/generate_database_name (dbt 1.9's `schema`/`database` go through them).
 */
function legacySnapshotTarget(node: ExecutableNode): void {
  const { target_schema: schema, target_database: database } = node.config;
  if (typeof schema === 'string' && schema.trim() !== '') node.schema = schema.trim();
  if (typeof database === 'string' && database.trim() !== '') node.database = database.trim();
}
