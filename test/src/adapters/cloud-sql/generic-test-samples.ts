/**
 * The SQL of every built-in generic test as a warehouse runs it: a throw-away project with one of each
 * (and a `where` config) compiled for the given profile, each test wrapped by the dialect's countRows.
 */
import type { Dialect } from '@xform/core';
import { compileProject, loadProject } from '@xform/core';
import { removeProject, writeProject } from '../../helpers/project.js';

const SCHEMA_YML = `version: 2
models:
  - name: orders
    columns:
      - name: order_id
        tests: [not_null, unique]
      - name: status
        tests:
          - accepted_values:
              values: [placed, shipped, returned]
          - accepted_values:
              name: accepted_values_quoted
              values: ['customer''s \\ return']
          - not_null:
              config:
                where: "order_date >= '2024-01-01'"
      - name: customer_id
        tests:
          - relationships:
              to: ref('customers')
              field: customer_id
    tests:
      - unique_combination_of_columns:
          combination_of_columns: [order_id, status]
      - expression_is_true:
          expression: "amount >= 0"
      - row_count:
          min: 1
          max: 1000000
`;

export async function genericTestSamples(profile: string, dialect: Dialect): Promise<[string, string][]> {
  const root = await writeProject({
    'profiles.yml': `demo:\n  target: dev\n  outputs:\n    dev: ${profile}\n`,
    'models/orders.sql': 'select 1 as order_id, 2 as customer_id, 3 as amount, \'placed\' as status, current_date as order_date',
    'models/customers.sql': 'select 2 as customer_id',
    'models/schema.yml': SCHEMA_YML,
  });
  try {
    const project = await loadProject({ projectDir: root, env: {} });
    const compiled = compileProject(project, { dialect, env: {} });
    return Object.values(compiled.manifest.nodes)
      .filter((node) => node.resource_type === 'test')
      .map((node): [string, string] => [node.name, dialect.countRows(String(node.compiled_code), 'failures')])
      .sort(([a], [b]) => a.localeCompare(b));
  } finally {
    await removeProject(root);
  }
}
