/**
 * Executes SQL statements in order through the DuckDB driver directly (@duckdb/node-api, the same driver
 * the DuckDB adapter uses), one connection, no xform involved: the baseline for the run-overhead and seed
 * benchmarks, and the setup step of the incremental one. It runs as its own process so that the database
 * file is closed (DuckDB allows one writer process) before xform opens it.
 *
 *   node bench/lib/duckdb-exec.mjs <database file> <statements.json>
 *
 * Prints one JSON line: { "statementsMs": <time spent executing the statements>, "statementMs": [<each
 * statement's time>], "rows": [<first row of each statement's result, or null>] }.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './load-ts.mjs';
import { timeNode } from './measure.mjs';

/** The driver is a dependency of the DuckDB adapter package, so resolve it from there. */
export async function importDuckDB() {
  const require = createRequire(path.join(REPO_ROOT, 'adapters', 'duckdb', 'package.json'));
  return import(pathToFileURL(require.resolve('@duckdb/node-api')).href);
}

const SELF = new URL(import.meta.url).pathname;

/**
 * Runs `statements` against `database` in a child process; resolves with the process timing (`ms`), the
 * time spent in the statements alone (`statementsMs`) and the first row of each statement's result.
 */
export async function duckdbExec(database, statements, { cwd, scratch }) {
  const file = path.join(scratch, `statements-${process.pid}.json`);
  await writeFile(file, JSON.stringify(statements));
  const result = await timeNode(SELF, [database, file], { cwd });
  const report = JSON.parse(result.stdout.trim().split('\n').pop());
  return { ms: result.ms, ...report };
}

async function main() {
  const [database, statementsFile] = process.argv.slice(2);
  const statements = JSON.parse(await readFile(statementsFile, 'utf8'));
  const { DuckDBInstance } = await importDuckDB();
  const instance = await DuckDBInstance.create(database);
  const connection = await instance.connect();
  const rows = [];
  const statementMs = [];
  for (const sql of statements) {
    const started = performance.now();
    const reader = await connection.runAndReadAll(sql);
    statementMs.push(performance.now() - started);
    rows.push(reader.getRowObjectsJson()[0] ?? null);
  }
  const statementsMs = statementMs.reduce((a, b) => a + b, 0);
  connection.closeSync();
  instance.closeSync();
  process.stdout.write(`${JSON.stringify({ statementsMs, statementMs, rows })}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
