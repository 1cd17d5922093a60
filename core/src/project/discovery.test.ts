import { createHash } from 'node:crypto';
import v8 from 'node:v8';
import { afterEach, describe, expect, test } from 'vitest';
import { DiagnosticBag } from '../errors.js';
import { makeProject, type Fixture } from './__fixtures__/make-project.js';
import { discoverFiles, fileFqn } from './discovery.js';
import { parseProjectConfig } from './project-config.js';

const fixtures: Fixture[] = [];
afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((f) => f.cleanup()));
});

async function discover(files: Record<string, string | object>, projectYml = 'name: shop\n') {
  const fx = await makeProject({ ...files, 'xform_project.yml': projectYml });
  fixtures.push(fx);
  const bag = new DiagnosticBag();
  const config = parseProjectConfig(projectYml, bag)!;
  const found = await discoverFiles(fx.dir, config, bag);
  return { fx, found, bag };
}

const paths = (list: { path: string }[]) => list.map((f) => f.path);

/** Whether V8 stores `text` one byte a character (its serializer writes '"' before such a string, 'c' before two-byte ones). */
const oneByte = (text: string) => v8.serialize(text)[2] === 0x22;

describe('discovery', () => {
  test('classifies files by configured path and extension, sorted by path', async () => {
    const { fx, found, bag } = await discover({
      'models/staging/stg_b.sql': 'select 2',
      'models/staging/stg_a.sql': 'select 1',
      'models/marts/orders.sql': 'select 3',
      'models/schema.yml': 'version: 2\n',
      'models/marts/marts.yaml': 'version: 2\n',
      'models/README.md': '# docs',
      'models/py_model.py': 'def model(dbt, session): ...',
      'seeds/countries.csv': 'code,name\nNL,Netherlands\n',
      'seeds/seeds.yml': 'version: 2\n',
      'tests/assert_positive.sql': 'select 1 where false',
      'tests/generic/is_even.sql': '{% test is_even(model, column_name) %}select 1{% endtest %}',
      'macros/cents.sql': '{% macro cents(x) %}{{ x }} * 100{% endmacro %}',
      'snapshots/orders_snapshot.sql': '{% snapshot orders_snapshot %}select 1{% endsnapshot %}',
      'snapshots/snapshots.yml': 'version: 2\n',
    });
    expect(paths(found.models)).toEqual(['models/marts/orders.sql', 'models/staging/stg_a.sql', 'models/staging/stg_b.sql']);
    expect(paths(found.seeds)).toEqual(['seeds/countries.csv']);
    expect(paths(found.tests)).toEqual(['tests/assert_positive.sql']);
    expect(paths(found.macros)).toEqual(['macros/cents.sql', 'tests/generic/is_even.sql']);
    expect(paths(found.snapshots)).toEqual(['snapshots/orders_snapshot.sql']);
    expect(paths(found.schemaYaml)).toEqual(['models/marts/marts.yaml', 'models/schema.yml', 'seeds/seeds.yml', 'snapshots/snapshots.yml']);
    expect(bag.warnings).toEqual([
      expect.objectContaining({ code: 'XFORM_PYTHON_MODEL_UNSUPPORTED', message: 'python models are not supported; ignoring models/py_model.py', location: { file: 'models/py_model.py' } }),
    ]);
    const a = found.models[1]!;
    expect(a).toEqual({
      path: 'models/staging/stg_a.sql',
      absPath: fx.file('models/staging/stg_a.sql'),
      contents: 'select 1',
      checksum: createHash('sha256').update('select 1').digest('hex'),
      rootDir: 'models',
    });
    expect(found.macros[1]!.rootDir).toBe('tests');
  });

  test('seeds are hashed but not read into memory', async () => {
    const csv = 'id,name\n1,a\n'.repeat(1000);
    const { found } = await discover({ 'seeds/big.csv': csv });
    expect(found.seeds[0]).toMatchObject({ contents: '', checksum: createHash('sha256').update(csv).digest('hex') });
  });

  test('a seed hashes the same with CRLF, CR or LF line endings, also across stream chunks', async () => {
    const lf = 'id,name\n1,a\n'.repeat(20000);
    const { found } = await discover({ 'seeds/lf.csv': lf, 'seeds/crlf.csv': lf.replace(/\n/g, '\r\n'), 'seeds/cr.csv': lf.replace(/\n/g, '\r'), 'seeds/other.csv': lf.replace('1,a', '1,b') });
    const sum = (name: string) => found.seeds.find((f) => f.path.endsWith(name))!.checksum;
    expect(sum('lf.csv')).toBe(createHash('sha256').update(lf).digest('hex'));
    expect(sum('crlf.csv')).toBe(sum('lf.csv'));
    expect(sum('cr.csv')).toBe(sum('lf.csv'));
    expect(sum('other.csv')).not.toBe(sum('lf.csv'));
  });

  test('skips hidden files and folders, node_modules, dbt_packages and the target path', async () => {
    const { found } = await discover(
      {
        'models/.hidden.sql': 'x',
        'models/.scratch/a.sql': 'x',
        'models/node_modules/b.sql': 'x',
        'models/dbt_packages/c.sql': 'x',
        'build/compiled/d.sql': 'x',
        'build/e.yml': 'x',
        'kept.sql': 'select 1',
        'profiles.yml': 'shop: {}\n',
      },
      'name: shop\nmodel-paths: ["."]\ntarget-path: build\n',
    );
    expect(paths(found.models)).toEqual(['kept.sql']);
    // A model path of "." does not take the project's own settings for schema YAML.
    expect(paths(found.schemaYaml)).toEqual([]);
  });

  test('several configured paths; a missing path is simply empty', async () => {
    const { found } = await discover({ 'a/x.sql': '1', 'b/sub/y.sql': '2' }, 'name: shop\nmodel-paths: [a, b, missing]\n');
    expect(found.models.map((f) => [f.path, f.rootDir])).toEqual([
      ['a/x.sql', 'a'],
      ['b/sub/y.sql', 'b'],
    ]);
    expect(fileFqn('shop', found.models[1]!)).toEqual(['shop', 'sub', 'y']);
  });

  test('a UTF-8 byte order mark is not part of the contents', async () => {
    const { found } = await discover({ 'models/bom.sql': '\uFEFFselect 1' });
    expect(found.models[0]!.contents).toBe('select 1');
  });
  test('keeps the paths it finds one byte a character while a listing hook keys an object by folder', async () => {
    // load-project's hook records each folder listed under its path; V8 (11) stores what is concatenated to a
    // string that has been an object key in two bytes a character, and every node name and path with it.
    const fx = await makeProject({ 'xform_project.yml': 'name: shop\n', 'models/staging/deep/stg_a.sql': 'select 1', 'models/marts/orders.sql': 'select 2' });
    fixtures.push(fx);
    const bag = new DiagnosticBag();
    const listed: Record<string, string[] | null> = {};
    const found = await discoverFiles(fx.dir, parseProjectConfig('name: shop\n', bag)!, bag, { onDirectory: (dir, names) => (listed[dir] = names) });
    expect(Object.keys(listed).length).toBeGreaterThanOrEqual(4);
    expect(paths(found.models)).toEqual(['models/marts/orders.sql', 'models/staging/deep/stg_a.sql']);
    for (const f of found.models) {
      expect(oneByte(f.path), f.path).toBe(true);
      expect(oneByte(f.absPath), f.absPath).toBe(true);
    }
  });
});
