/**
 * Macros of packages through the compiler: manifest ids name each macro's package, a root model reaches a
 * package's macro with `pkg.macro()`, and a namespaced generic test (`utils.is_positive`) runs that
 * package's test macro. Packages are simulated by giving macro files a packageName, as package loading does.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DialectBase } from '../adapter/dialect-base.js';
import type { TestNode } from '../graph/types.js';
import { loadProject } from '../project/index.js';
import type { ProjectFile } from '../project/types.js';
import { compileProject } from './compiler.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const FILES: Record<string, string> = {
  'xform_project.yml': 'name: shop\nversion: "1"\n',
  'macros/who.sql': '{% macro whoami() %}root{% endmacro %}',
  'models/orders.sql': "select 1 as id, '{{ whoami() }}/{{ utils.whoami() }}/{{ shop.whoami() }}' as who",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: id\n        tests: [not_null, utils.is_positive]\n',
};

const UTILS_MACROS = [
  '{% macro whoami() %}utils{% endmacro %}',
  '{% test is_positive(model, column_name) %}select * from {{ model }} where {{ column_name }} <= 0{% endtest %}',
].join('\n');

describe('macros of packages in the compiled project', () => {
  it('keeps same-named macros apart, with macro.<package>.<name> ids, and runs a namespaced test', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'xform-macro-packages-'));
    dirs.push(root);
    for (const [file, text] of Object.entries(FILES)) {
      await mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await writeFile(path.join(root, file), text);
    }
    const project = await loadProject({ projectDir: root, env: {} });
    const pkgFile: ProjectFile & { packageName: string } = {
      path: 'dbt_packages/utils/macros/utils.sql',
      absPath: path.join(root, 'dbt_packages/utils/macros/utils.sql'),
      contents: UTILS_MACROS,
      checksum: '',
      rootDir: 'macros',
      packageName: 'utils',
    };
    project.macros.push(pkgFile);
    const compiled = compileProject(project, { dialect: new DialectBase(), env: {} });

    const { macros, nodes } = compiled.manifest;
    expect(macros['macro.shop.whoami']).toMatchObject({ package_name: 'shop', original_file_path: 'macros/who.sql' });
    expect(macros['macro.utils.whoami']).toMatchObject({ package_name: 'utils', original_file_path: 'dbt_packages/utils/macros/utils.sql' });
    expect(macros['macro.dbt.test_not_null']).toMatchObject({ package_name: 'dbt' });
    expect(nodes['model.shop.orders']!.compiled_code).toContain("'root/utils/root' as who");

    const tests = Object.values(nodes).filter((n): n is TestNode => n.resource_type === 'test');
    const positive = tests.find((t) => t.test_metadata?.name === 'is_positive')!;
    expect(positive.depends_on.macros).toEqual(['macro.utils.test_is_positive']);
    expect(positive.compiled_code).toContain('where id <= 0');
    const notNull = tests.find((t) => t.test_metadata?.name === 'not_null')!;
    expect(notNull.depends_on.macros).toEqual(['macro.dbt.test_not_null']);
  });
});
