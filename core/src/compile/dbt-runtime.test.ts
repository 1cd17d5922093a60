/**
 * dbt's runtime as compiled projects see it: the as_* filters in SQL rendering, api.Relation and the
 * relations ref()/source()/this return, and config() inside generic test macros.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DialectBase } from '../adapter/dialect-base.js';
import type { ExecutableNode, TestNode } from '../graph/types.js';
import { loadProject } from '../project/index.js';
import { compileProject, type CompiledProject } from './compiler.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function compile(files: Record<string, string>, cliVars?: Record<string, unknown>): Promise<CompiledProject> {
  const root = await mkdtemp(path.join(tmpdir(), 'xform-runtime-'));
  dirs.push(root);
  const all = { 'xform_project.yml': 'name: shop\nversion: "1"\n', ...files };
  for (const [file, text] of Object.entries(all)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  const project = await loadProject({ projectDir: root, env: {}, ...(cliVars ? { vars: cliVars } : {}) });
  return compileProject(project, { dialect: new DialectBase(), env: {} });
}

const model = (c: CompiledProject, name: string) => c.manifest.nodes[`model.shop.${name}`] as ExecutableNode | undefined;
const tests = (c: CompiledProject) => Object.values(c.manifest.nodes).filter((n): n is TestNode => n.resource_type === 'test');

describe('as_bool, as_number, as_native, as_text in SQL', () => {
  it('keep a false var false in {% if %} and in config(enabled=...), as dbt does', async () => {
    const c = await compile({
      'models/a.sql': "select {% if var('use_b', false) | as_bool %}'b'{% else %}'a'{% endif %} as pick, {{ var('n', 3) | as_number + 1 }} as n",
      'models/off.sql': "{{ config(enabled=var('enable_off', false) | as_bool) }}select 1 as id",
      'models/on.sql': "{{ config(enabled=var('enable_on', true) | as_bool) }}select 1 as id",
    });
    expect(model(c, 'a')!.compiled_code).toBe("select 'a' as pick, 4 as n");
    expect(model(c, 'off')).toBeUndefined();
    expect(model(c, 'on')).toBeDefined();
  });
});

describe('config() inside a generic test macro', () => {
  const macro = [
    '{% test big_amounts(model, column_name, above) %}',
    "{{ config(fail_calc='sum(n)', severity='warn', warn_if='>5', error_if='>10', where='n > 0', limit=100, store_failures=true, tags=['money']) }}",
    'select {{ column_name }} as n from {{ model }} where {{ column_name }} > {{ above }}',
    '{% endtest %}',
  ].join('\n');

  it('is the test config, below the YAML config of the test, above the tests: folder config', async () => {
    const c = await compile({
      'xform_project.yml': 'name: shop\nversion: "1"\ntests:\n  shop:\n    +severity: error\n    +limit: 7\n',
      'macros/big_amounts.sql': macro,
      'models/orders.sql': 'select 1 as n',
      'models/schema.yml': [
        'version: 2',
        'models:',
        '  - name: orders',
        '    columns:',
        '      - name: n',
        '        tests:',
        '          - big_amounts:',
        '              arguments: {above: 2}',
        '          - big_amounts:',
        '              name: big_amounts_strict',
        '              description: stricter',
        '              above: 3',
        '              error_if: ">1"',
        '              config: {fail_calc: "count(*)", tags: [strict]}',
      ].join('\n'),
    });
    const [plain, strict] = [...tests(c)].sort((a, b) => a.name.localeCompare(b.name));
    expect(plain!.name).toBe('big_amounts_orders_2__n');
    expect(plain!.config).toMatchObject({ fail_calc: 'sum(n)', severity: 'warn', warn_if: '>5', error_if: '>10', where: 'n > 0', limit: 100, store_failures: true });
    expect(plain!.tags).toEqual(['money']);
    // where= given in the macro filters the model the macro reads, as dbt's get_where_subquery does.
    expect(plain!.compiled_code).toContain('where n > 0) xform_subquery where n > 2');
    expect(strict!.name).toBe('big_amounts_strict');
    expect(strict!.config).toMatchObject({ fail_calc: 'count(*)', severity: 'warn', warn_if: '>5', error_if: '>1', limit: 100 });
    expect(strict!.tags).toEqual(['money', 'strict']);
    expect(strict!.description).toBe('stricter');
    expect(strict!.test_metadata?.kwargs).toEqual({ above: 3, column_name: 'n' });
  });

  it('disables the test when the macro says enabled=false', async () => {
    const c = await compile({
      'macros/off.sql': "{% test off(model) %}{{ config(enabled=false) }}select 1{% endtest %}",
      'models/orders.sql': 'select 1 as n',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: orders\n    tests: [off]\n',
    });
    expect(tests(c)).toEqual([]);
  });
});
