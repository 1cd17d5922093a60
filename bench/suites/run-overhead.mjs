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

/**
 * N view models in four layers of N/4, like staging -> intermediate -> marts: layer 0 reads a generated
 * range, every later model reads one or two models of the layer below. DuckDB expands a view's nested view
 * definitions when it is created, so the depth stays fixed (a chain of 1,000 views joining two earlier
 * ones each would measure DuckDB's binder, not xform, and takes minutes with the driver alone).
 */
export function viewProject(models) {
  const files = { 'xform_project.yml': 'name: views\nversion: "1.0"\nmodels:\n  views:\n    +materialized: view\n' };
  const perLayer = Math.max(1, Math.ceil(models / 4));
  const name = (i) => `v${String(i).padStart(5, '0')}`;
  for (let i = 0; i < models; i++) {
    const layer = Math.floor(i / perLayer);
    const pos = i % perLayer;
    if (layer === 0) {
      files[`models/${name(i)}.sql`] = `select range as id, range * ${(i % 7) + 1} as amount from range(100)\n`;
      continue;
    }
    const below = (layer - 1) * perLayer;
    const a = name(below + pos);
    const b = name(below + ((pos * 7 + 3) % perLayer));
    files[`models/${name(i)}.sql`] =
      a === b || i % 3 === 0
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
    profile: {
      name: 'run.overhead',
      prepare: async () => {
        await rm(db, { force: true });
        await rm(`${db}.wal`, { force: true });
        return { args: ['run'], cwd: dir };
      },
    },
  });
}
