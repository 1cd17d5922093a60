/** Commands run from a folder inside a project find the project upwards, as dbt does; --project-dir wins. */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runXform } from '../helpers/cli.js';
import { duckRows } from '../helpers/duckdb.js';
import { removeProject, writeProject } from '../helpers/project.js';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

async function project(files: Record<string, string>, dir?: string): Promise<string> {
  const root = await writeProject(files, dir);
  roots.push(root);
  return root;
}

const SHOP = {
  'seeds/raw_orders.csv': 'id,amount\n1,10\n2,20\n3,5\n',
  'models/staging/stg_orders.sql': "select id, amount from {{ ref('raw_orders') }}",
  'models/staging/_staging.yml': 'models:\n  - name: stg_orders\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n',
  'models/marts/big_orders.sql': "{{ config(materialized='table') }}select * from {{ ref('stg_orders') }} where amount >= 10",
};

describe('the project folder, found from a sub-folder', () => {
  it('build, ls, compile and clean in models/staging act on the project above, as from its root', async () => {
    const root = await project(SHOP);
    const staging = path.join(root, 'models/staging');

    const build = await runXform(['build'], { cwd: staging });
    expect(build.code, build.stdout + build.stderr).toBe(0);
    expect(build.stdout).toMatch(/OK\s+seed\s+main\.raw_orders 3 rows/);
    expect(build.stdout).toMatch(/PASS\s+test\s+unique_stg_orders_id/);
    expect(build.stdout).toMatch(/Done: 5 ok, 0 error, 0 failed tests/);
    expect(await duckRows(path.join(root, 'target/xform.duckdb'), 'select id from main.big_orders order by id')).toEqual([{ id: 1 }, { id: 2 }]);
    // Its log goes to the project's logs/, and nothing is written in the folder it ran from.
    expect(readFileSync(path.join(root, 'logs/xform.log'), 'utf8')).toContain('xform build');
    for (const name of ['target', 'logs']) expect(existsSync(path.join(staging, name))).toBe(false);

    const ls = await runXform(['ls', '--resource-type', 'model', '--output', 'path'], { cwd: staging });
    expect(ls.code, ls.stderr).toBe(0);
    // Paths of project files stay relative to the project root, as from the root.
    expect(ls.stdout.trim().split('\n').sort()).toEqual(['models/marts/big_orders.sql', 'models/staging/stg_orders.sql']);

    rmSync(path.join(root, 'target/manifest.json'));
    for (const attempt of ['full', 'unchanged']) {
      const compile = await runXform(['compile'], { cwd: staging });
      expect(compile.code, `${attempt}: ${compile.stdout}${compile.stderr}`).toBe(0);
      // The target folder printed is where it is, seen from the folder the command ran in.
      expect(compile.stdout, attempt).toContain('-> ../../target/manifest.json, ../../target/compiled/');
    }
    expect(existsSync(path.join(root, 'target/manifest.json'))).toBe(true);
    expect(existsSync(path.join(staging, 'target'))).toBe(false);
    // The second compile took the short cut of an unchanged project, which found the project the same way.
    expect(readFileSync(path.join(root, 'logs/xform.log'), 'utf8')).toContain('compile: nothing changed since the last compile');

    const clean = await runXform(['clean'], { cwd: staging });
    expect(clean.code, clean.stderr).toBe(0);
    expect(existsSync(path.join(root, 'target'))).toBe(false);
    expect(existsSync(path.join(root, 'models/staging/stg_orders.sql'))).toBe(true);
  });

  it('finds a dbt_project.yml, and the nearest project when projects nest', async () => {
    const outer = await project(SHOP);
    const inner = path.join(outer, 'packages_dev/inner');
    await writeProject({ 'models/only_inner.sql': 'select 1 as x' }, inner);
    rmSync(path.join(inner, 'xform_project.yml'));
    await writeProject({ 'dbt_project.yml': 'name: inner\nversion: "1.0"\nconfig-version: 2\n' }, inner);
    rmSync(path.join(inner, 'xform_project.yml'));
    const ls = await runXform(['ls'], { cwd: path.join(inner, 'models') });
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout.trim()).toBe('inner.only_inner');
  });

  it('--project-dir still wins over the project the current folder is in', async () => {
    const here = await project(SHOP);
    const other = await project({ 'models/elsewhere.sql': 'select 1 as x' });
    const ls = await runXform(['ls', '--project-dir', other], { cwd: path.join(here, 'models/marts') });
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout.trim()).toBe('demo.elsewhere');
  });

  it('outside any project, says so for the current folder, without a stack trace', async () => {
    const nowhere = await mkdtemp(path.join(tmpdir(), 'xform-no-project-'));
    roots.push(nowhere);
    const result = await runXform(['build'], { cwd: nowhere });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`[XFORM_PROJECT_NOT_FOUND] no xform_project.yml (or dbt_project.yml) in ${nowhere}`);
    expect(result.stderr).toContain('or a folder inside one');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
