/**
 * Write-audit-publish on Snowflake, whose plain names are sent bare (`analytics_db.marts.customers`): the
 * audit of `customers` must read its staging relation and nothing else, although the name of
 * `customers_segments` starts with the same text. The statements core sends are recorded, not run.
 */
import { SNOWFLAKE_CAPABILITIES, SnowflakeDialect } from '@xform/adapter-snowflake';
import { compileProject, executeRun, loadProject } from '@xform/core';
import { afterAll, describe, expect, it } from 'vitest';
import { removeProject, writeProject } from '../../helpers/project.js';
import { RecordingAdapter } from './recording-adapter.js';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

describe('audits on Snowflake', () => {
  it("point the audited model's refs at staging and leave customers_segments and literals alone", async () => {
    const root = await writeProject({
      'xform_project.yml': 'name: shop\nversion: "1"\nmodels:\n  shop:\n    +materialized: table\n',
      'profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev: {type: snowflake, account: acme, user: xform, database: analytics_db, schema: marts}\n',
      'models/customers.sql': 'select 1 as id',
      'models/customers_segments.sql': "select 1 as customer_id, 'gold' as segment",
      'models/vip_customers.sql': "{{ config(materialized='ephemeral') }} select id from {{ ref('customers') }} where id < 10",
      'models/schema.yml': [
        'version: 2',
        'models:',
        '  - name: customers',
        '    columns:',
        '      - name: id',
        "        tests: [{relationships: {name: segment_known, to: \"ref('customers_segments')\", field: customer_id}}]",
        '',
      ].join('\n'),
      'tests/vip_has_segment.sql': [
        "select v.id, 'analytics_db.marts.customers' as checked",
        "from {{ ref('vip_customers') }} v",
        "where not exists (select 1 from {{ ref('customers_segments') }} s where s.customer_id = v.id)",
      ].join('\n'),
    });
    roots.push(root);
    const project = await loadProject({ projectDir: root, env: {} });
    const dialect = new SnowflakeDialect();
    const compiled = compileProject(project, { dialect, env: {} });
    const adapter = new RecordingAdapter('snowflake', dialect, SNOWFLAKE_CAPABILITIES, { existing: {}, defaultColumns: ['id'] });
    const selected = new Set(Object.keys(compiled.manifest.nodes));
    const { results } = await executeRun({ compiled, adapter, selected, threads: 1, audit: true });
    expect(results.map((r) => [r.unique_id.split('.')[2], r.status]).sort()).toEqual([
      ['customers', 'success'],
      ['customers_segments', 'success'],
      ['segment_known', 'pass'],
      ['vip_has_segment', 'pass'],
    ]);

    const audits = adapter.statements.filter((sql) => sql.includes(' as failures'));
    expect(audits).toHaveLength(2);
    for (const sql of audits) {
      // Staging of customers (directly or through the ephemeral CTE), the real customers_segments.
      expect(sql).toMatch(/analytics_db\.marts\.customers__xform_\w+/u);
      expect(sql).toMatch(/analytics_db\.marts\.customers_segments\b/u);
      expect(sql).not.toMatch(/customers__xform_\w*segments/u);
    }
    const singular = audits.find((sql) => sql.includes('__xform__cte__vip_customers'));
    expect(singular).toContain("'analytics_db.marts.customers' as checked");
  });
});
