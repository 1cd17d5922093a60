/**
 * Model unit tests and source freshness through the real CLI on each adapter: a unit test passes on good
 * fixture rows and fails on bad ones (inputs from ref, source and this) without creating or reading a real
 * relation; freshness grades pass, warn and error from load times relative to the warehouse's UTC clock.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runXform } from '../helpers/cli.js';
import { removeProject, writeProject, type ProjectFiles } from '../helpers/project.js';
import type { ConformanceContext } from './suite.js';

const lines = (...l: string[]) => l.join('\n') + '\n';
const utcNow = "cast(current_timestamp at time zone 'UTC' as timestamp)";

function unitProject(schema: string): ProjectFiles {
  return {
    'xform_project.yml': lines('name: shop', 'version: "1"', 'models:', '  shop:', '    +materialized: table'),
    'models/upstream.sql': 'select 1 as id, 10 as amount',
    'models/totals.sql': lines(
      "select id, amount * 2 as amount from {{ ref('upstream') }}",
      'union all',
      "select id, amount from {{ source('raw', 'extra') }}",
    ),
    'models/inc.sql': lines(
      "{{ config(materialized='incremental', unique_key='id') }}",
      "select id, amount from {{ source('raw', 'extra') }}",
      '{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}',
    ),
    'models/schema.yml': lines(
      'version: 2',
      'sources:',
      '  - name: raw',
      `    schema: ${schema}`,
      '    tables: [{name: extra}]',
      'unit_tests:',
      ...['good', 'bad'].map((name) =>
        [
          `  - name: ${name}`,
          '    model: totals',
          '    given:',
          "      - input: ref('upstream')",
          '        rows: [{id: 1, amount: 4}, {id: 2, amount: 5}]',
          "      - input: source('raw', 'extra')",
          '        format: csv',
          '        rows: "id,amount\\n3,7\\n"',
          '    expect:',
          `      rows: [{id: 1, amount: 8}, {id: 2, amount: ${name === 'good' ? 10 : 11}}, {id: 3, amount: 7}]`,
        ].join('\n'),
      ),
      '  - name: only_new_rows',
      '    model: inc',
      '    overrides: {macros: {is_incremental: true}}',
      '    given:',
      "      - input: source('raw', 'extra')",
      '        rows: [{id: 1, amount: 1}, {id: 2, amount: 2}, {id: 3, amount: 3}]',
      '      - input: this',
      '        rows: [{id: 2, amount: 2}]',
      '    expect:',
      '      rows: [{id: 3, amount: 3}]',
    ),
  };
}

function freshnessProject(schema: string): ProjectFiles {
  return {
    'xform_project.yml': lines('name: shop', 'version: "1"', 'models:', '  shop:', '    +materialized: table'),
    'models/loads_fresh.sql': `select 1 as id, ${utcNow} - interval '10 minute' as loaded_at`,
    'models/loads_late.sql': `select 1 as id, ${utcNow} - interval '3 hour' as loaded_at`,
    'models/loads_old.sql': `select 1 as id, ${utcNow} - interval '3 day' as loaded_at`,
    'models/schema.yml': lines(
      'version: 2',
      'sources:',
      '  - name: raw',
      `    schema: ${schema}`,
      '    loaded_at_field: loaded_at',
      '    freshness: {warn_after: {count: 1, period: hour}, error_after: {count: 1, period: day}}',
      '    tables:',
      '      - {name: fresh, identifier: loads_fresh}',
      '      - {name: late, identifier: loads_late}',
      '      - {name: old, identifier: loads_old}',
    ),
  };
}

export function defineUnitAndFreshnessTests(context: ConformanceContext): void {
  describe('unit tests and source freshness (through the CLI)', () => {
    const roots: string[] = [];
    afterAll(async () => {
      await Promise.all(roots.map(removeProject));
    });

    async function project(label: string, files: (schema: string) => ProjectFiles) {
      const schema = await context.schema(label);
      const root = await writeProject(files(schema));
      roots.push(root);
      const target = context.cliTarget(root, schema);
      await writeFile(path.join(root, 'profiles.yml'), target.profile);
      const xform = (...args: string[]) => runXform(args, { cwd: root, env: target.env });
      const json = async <T>(file: string) => JSON.parse(await readFile(path.join(root, 'target', file), 'utf8')) as T;
      const tables = async () =>
        (await target.query(`select table_name from information_schema.tables where table_schema = '${schema}'`)).map((r) => String(r.table_name)).sort();
      return { xform, json, tables };
    }

    it('unit tests pass on good fixture rows and fail on bad ones, never touching real relations', async () => {
      const p = await project('unit', unitProject);
      const built = await p.xform('run', '--select', 'upstream');
      expect(built.code, built.stdout + built.stderr).toBe(0);
      const run = await p.xform('test', '--select', 'test_type:unit');
      expect(run.code, run.stdout + run.stderr).toBe(1);
      const { results } = await p.json<{ results: { unique_id: string; status: string }[] }>('run_results.json');
      expect(Object.fromEntries(results.map((r) => [r.unique_id, r.status]))).toEqual({
        'unit_test.shop.totals.good': 'pass',
        'unit_test.shop.totals.bad': 'fail',
        'unit_test.shop.inc.only_new_rows': 'pass',
      });
      expect(run.stdout).toMatch(/-\s+\|\s+2\s+\|\s+11/);
      expect(run.stdout).toMatch(/\+\s+\|\s+2\s+\|\s+10/);
      expect(await p.tables()).toEqual(['upstream']);
    });

    it('source freshness grades pass, warn and error against the UTC clock', async () => {
      const p = await project('fresh', freshnessProject);
      const built = await p.xform('run');
      expect(built.code, built.stdout + built.stderr).toBe(0);
      const run = await p.xform('source', 'freshness');
      expect(run.code, run.stdout + run.stderr).toBe(1);
      const { results } = await p.json<{ results: { unique_id: string; status: string; max_loaded_at_time_ago_in_s: number }[] }>('sources.json');
      const byId = Object.fromEntries(results.map((r) => [r.unique_id, r]));
      expect(Object.fromEntries(results.map((r) => [r.unique_id, r.status]))).toEqual({
        'source.shop.raw.fresh': 'pass',
        'source.shop.raw.late': 'warn',
        'source.shop.raw.old': 'error',
      });
      expect(Math.round(byId['source.shop.raw.late']!.max_loaded_at_time_ago_in_s / 60)).toBeGreaterThanOrEqual(179);
      expect(Math.round(byId['source.shop.raw.late']!.max_loaded_at_time_ago_in_s / 60)).toBeLessThanOrEqual(182);
    });
  });
}
