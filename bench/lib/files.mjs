/** Writing generated projects to disk and the profiles they run against. */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Replaces `dir` with exactly `files` ({ 'models/a.sql': 'select 1' }). */
export async function writeTree(dir, files) {
  await rm(dir, { recursive: true, force: true });
  const dirs = new Set(Object.keys(files).map((f) => path.dirname(path.join(dir, f))));
  for (const d of [...dirs].sort((a, b) => a.length - b.length)) await mkdir(d, { recursive: true });
  const entries = Object.entries(files);
  for (let i = 0; i < entries.length; i += 256) {
    await Promise.all(entries.slice(i, i + 256).map(([f, text]) => writeFile(path.join(dir, f), text)));
  }
}

/** profiles.yml for a DuckDB file database inside the project. */
export function duckdbProfile(profile, { dbFile = 'bench.duckdb', threads = 4 } = {}) {
  return [
    `${profile}:`,
    '  target: dev',
    '  outputs:',
    '    dev:',
    '      type: duckdb',
    `      path: ${JSON.stringify(dbFile)}`,
    '      schema: main',
    `      threads: ${threads}`,
    '',
  ].join('\n');
}

