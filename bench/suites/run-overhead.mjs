/**
 * Run overhead: `xform run` of N view models on a DuckDB file, against executing the same compiled
 * statements (`create or replace view <relation> as <compiled SQL>`, in the same DAG order) directly through
 * the driver from a plain Node process. Both sides are whole processes timed from spawn to exit, on a fresh
 * database file; the project was compiled once before (as a developer's second run would be).
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { duckdbProfile, writeTree } from '../lib/files.mjs';
import { CACHE_DIR } from '../lib/load-ts.mjs';
import { timeNode, timeXform } from '../lib/measure.mjs';
import { median } from '../lib/stats.mjs';

const DUCKDB_EXEC = new URL('../lib/duckdb-exec.mjs', import.meta.url).pathname;

/** N view models: a few base models, then each reads one or two of the 50 models before it. */
export function viewProject(models) {
  const files = { 'xform_project.yml': 'name: views\nversion: "1.0"\nmodels:\n  views:\n    +materialized: view\n' };
  for (let i = 0; i < models; i++) {
    const name = `v${String(i).padStart(5, '0')}`;
    if (i < 5) {
      files[`models/${name}.sql`] = `select range as id, range * ${i + 1} as amount from range(100)\n`;
      continue;
    }
    const a = `v${String(i - 1 - (i % 50 === 0 ? 0 : (i * 7) % Math.min(i, 50))).padStart(5, '0')}`;
    const b = `v${String(i - 1 - ((i * 13) % Math.min(i, 50))).padStart(5, '0')}`;
    files[`models/${name}.sql`] =
      a === b
        ? `select id, amount + 1 as amount from {{ ref('${a}') }}\n`
        : `select a.id, a.amount + b.amount as amount\nfrom {{ ref('${a}') }} as a\njoin {{ ref('${b}') }} as b using (id)\n`;
  }
  return files;
}

/** Models in DAG order (parents first) from target/manifest.json. */
function topoOrder(manifest) {
  const models = Object.values(manifest.nodes).filter((n) => n.resource_type === 'model');
  const order = [];
  const done = new Set();
  const visit = (node) => {
    if (done.has(node.unique_id)) return;
    done.add(node.unique_id);
    for (const p of node.depends_on.nodes) if (manifest.nodes[p]) visit(manifest.nodes[p]);
    order.push(node);
  };
  for (const m of models) visit(m);
  return order;
}

export async function runOverheadSuite({ models, runs, record }) {
  const dir = path.join(CACHE_DIR, `run-overhead-${models}`);
  await writeTree(dir, { ...viewProject(models), 'profiles.yml': duckdbProfile('views', { dbFile: 'bench.duckdb' }) });
  await timeXform(['compile'], { cwd: dir });
  const manifest = JSON.parse(await readFile(path.join(dir, 'target', 'manifest.json'), 'utf8'));
  const statements = topoOrder(manifest).map((n) => `create or replace view ${n.relation_name} as ${n.compiled_code}`);
  const statementsFile = path.join(dir, 'statements.json');
  await writeFile(statementsFile, JSON.stringify(statements));
  const db = path.join(dir, 'bench.duckdb');

  const xform = [];
  const driver = [];
  for (let i = 0; i < runs; i++) {
    await rm(db, { force: true });
    await rm(`${db}.wal`, { force: true });
    const run = await timeXform(['run'], { cwd: dir });
    if (!run.stdout.includes(`${models}`)) throw new Error(`xform run output does not mention ${models} models:\n${run.stdout}`);
    xform.push(run.ms / 1000);
    await rm(db, { force: true });
    await rm(`${db}.wal`, { force: true });
    const direct = await timeNode(DUCKDB_EXEC, [db, statementsFile], { cwd: dir });
    driver.push(direct.ms / 1000);
  }
  const label = `${models.toLocaleString('en-US')} DuckDB views`;
  record({ id: 'run.xform', label: `run, ${label}: xform run`, unit: 's', samples: xform });
  record({ id: 'run.driver', label: `run, ${label}: driver alone`, unit: 's', samples: driver });
  record({
    id: 'run.overhead',
    label: `run overhead, ${label} (xform / driver)`,
    unit: 'x',
    samples: xform.map((x, i) => x / driver[i]),
    value: median(xform) / median(driver),
    target: 1.1,
  });
}
