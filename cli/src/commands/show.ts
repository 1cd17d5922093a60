import type { Command } from 'commander';
import { didYouMeanHint, loadAdapter, selectNodes, XformError, type CompiledProject, type Connection, type ExecutableNode, type Adapter } from '@xform/core';
import { addProjectOptions, compileFromOptions, type ProjectOptions } from '../project-options.js';
import { printResult } from '../logging.js';
import { traceStatements } from '../trace-sql.js';
import { formatTable, jsonValue } from '../show-table.js';

interface ShowOptions extends ProjectOptions {
  select?: string;
  inline?: string;
  limit: string;
  output: string;
}

export function registerShow(program: Command, setExitCode: (code: number) => void): void {
  const command = program
    .command('show')
    .description("run one model's SQL (or --inline SQL) in the warehouse and print its first rows; nothing is built")
    .option('-s, --select <model>', 'the model (or seed, snapshot) to preview')
    .option('--inline <sql>', 'SQL to preview instead, with ref(), source() and macros')
    .option('--limit <n>', 'how many rows to print; -1 for all', '5')
    .option('-o, --output <format>', 'text | json', 'text');
  addProjectOptions(command).action(async (options: ShowOptions) => {
    const limit = parseLimit(options.limit);
    if (options.output !== 'text' && options.output !== 'json') {
      throw new XformError('XFORM_BAD_ARGUMENT', `--output expects text or json, got '${options.output}'`, { hint: didYouMeanHint(options.output, ['text', 'json']) });
    }
    if ((options.select === undefined) === (options.inline === undefined)) {
      throw new XformError('XFORM_BAD_ARGUMENT', 'show needs exactly one of --select <model> and --inline <sql>', { hint: "e.g. xform show --select stg_orders, or xform show --inline \"select * from {{ ref('stg_orders') }}\"" });
    }
    const compiled = await compileFromOptions(options);
    const node = options.select === undefined ? undefined : pickNode(compiled, options.select);
    const adapter = traceStatements(await loadAdapter(compiled.project.target, { projectRoot: compiled.project.root, threads: 1 }));
    try {
      const rows = await adapter.withConnection(async (connection) => {
        const sql = await previewSql(compiled, node, options.inline, { connection, adapter });
        return (await connection.execute(withLimit(sql, limit), { label: node?.unique_id ?? 'show' })).rows;
      });
      const name = node?.name ?? 'inline';
      if (options.output === 'json') {
        printResult(`${JSON.stringify({ node: name, show: rows }, (_k, v: unknown) => jsonValue(v), 2)}\n`);
      } else {
        printResult(`${node ? `Previewing node '${name}':` : 'Previewing inline node:'}\n${formatTable(rows)}\n`);
      }
      setExitCode(0);
    } finally {
      await adapter.close();
    }
  });
}

function parseLimit(text: string): number | undefined {
  const n = Number(text);
  if (!Number.isInteger(n) || n < -1) throw new XformError('XFORM_BAD_ARGUMENT', `--limit expects a whole number (or -1 for every row), got '${text}'`);
  return n === -1 ? undefined : n;
}

function pickNode(compiled: CompiledProject, select: string): ExecutableNode {
  const ids = [...selectNodes(compiled.graph, { select: [select], resourceTypes: ['model', 'seed', 'snapshot'], indirectSelection: 'empty' })];
  if (ids.length === 1) return compiled.manifest.nodes[ids[0]!] as ExecutableNode;
  const names = Object.values(compiled.manifest.nodes).filter((n) => n.resource_type === 'model' || n.resource_type === 'seed').map((n) => n.name);
  if (ids.length === 0) {
    throw new XformError('XFORM_NODE_NOT_FOUND', `--select ${select} matches no model, seed or snapshot`, { hint: didYouMeanHint(select, names) });
  }
  throw new XformError('XFORM_BAD_ARGUMENT', `--select ${select} matches ${ids.length} nodes; show previews one`, { hint: `e.g. --select ${compiled.manifest.nodes[ids[0]!]!.name}` });
}

async function previewSql(compiled: CompiledProject, node: ExecutableNode | undefined, inline: string | undefined, live: { connection: Connection; adapter: Adapter }): Promise<string> {
  if (node === undefined) return compiled.compileInline(inline!);
  // A seed or snapshot is previewed from its relation, as dbt does; a model from its SQL (nothing is built).
  if (node.resource_type !== 'model') return `select * from ${node.relation_name}`;
  return compiled.renderForExecution(node, { isIncremental: false, ...live });
}

/** The query wrapped so the warehouse returns at most `limit` rows (dbt's get_show_sql). */
function withLimit(sql: string, limit: number | undefined): string {
  const body = sql.trim().replace(/;\s*$/, '');
  return limit === undefined ? body : `select * from (\n${body}\n) as xform_show limit ${limit}`;
}
