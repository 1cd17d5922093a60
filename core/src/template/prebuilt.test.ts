import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILTIN_TESTS_PATH, BUILTIN_TESTS_SQL } from '../quality/builtin-tests.js';
import { forgetInternalBuilds, TemplateEngine } from './engine.js';
import { INTERNAL_PACKAGE } from './namespaces.js';
import { prebuildMacros } from './prebuild.js';
import { prebuiltKey, readPrebuiltMacros, usePrebuiltMacros } from './prebuilt.js';

const dirs: string[] = [];
afterAll(() => {
  usePrebuiltMacros(null);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The engine a new process makes (the internal macro files it compiled are forgotten first). */
function engine(adapterType: string): TemplateEngine {
  forgetInternalBuilds();
  return new TemplateEngine({
    macroFiles: [{ path: BUILTIN_TESTS_PATH, contents: BUILTIN_TESTS_SQL, packageName: INTERNAL_PACKAGE }],
    adapterType,
    rootPackage: 'shop',
  });
}

const TEMPLATE = "{{ dbt.type_string() }} | {{ dbt.safe_cast('x', dbt.type_int()) }} | {{ dbt.concat(['a', 'b']) }} | {{ dbt.dateadd('day', 3, 'd') }} | {{ dbt.hash('x') }}";

describe('prebuilt internal macros', () => {
  it('load to the same macros, and render the same, as the macro files parsed in the process', () => {
    const built = prebuildMacros();
    usePrebuiltMacros(null);
    const parsed = engine('postgres');
    usePrebuiltMacros(new Map(Object.entries(built.files)));
    const prebuilt = engine('postgres');
    expect(prebuilt.macros).toEqual(parsed.macros);
    expect(prebuilt.macros.length).toBeGreaterThan(100);
    // The entries are what the engine loads (here: every macro's line moved), not a cache it may skip.
    const moved = new Map(Object.entries(built.files).map(([key, file]) => [key, { ...file, outline: file.outline.map((o) => ({ ...o, line: o.line + 1000 })) }]));
    usePrebuiltMacros(moved);
    expect(engine('postgres').macros.map((m) => m.line)).toEqual(parsed.macros.map((m) => m.line + 1000));
    // What a file the prebuilt entries do not hold (another text) is parsed as ever.
    usePrebuiltMacros(new Map());
    expect(engine('postgres').macros).toEqual(parsed.macros);
    const rendered = prebuilt.renderString('t.sql', TEMPLATE, {});
    expect(rendered).toBe(parsed.renderString('t.sql', TEMPLATE, {}));
    expect(rendered).toContain('cast(x as integer)');
  });

  it('are used only for the exact source text and only from a file this build wrote', () => {
    const built = prebuildMacros();
    const [key] = Object.keys(built.files);
    expect(key).toBeDefined();
    expect(prebuiltKey(BUILTIN_TESTS_PATH, BUILTIN_TESTS_SQL)).not.toBe(prebuiltKey(BUILTIN_TESTS_PATH, `${BUILTIN_TESTS_SQL} `));
    const dir = mkdtempSync(path.join(tmpdir(), 'xform-prebuilt-'));
    dirs.push(dir);
    const file = path.join(dir, 'prebuilt-macros.json');
    writeFileSync(file, JSON.stringify(built));
    expect(readPrebuiltMacros(pathToFileURL(file))?.size).toBe(Object.keys(built.files).length);
    writeFileSync(file, JSON.stringify({ ...built, build: 'another build' }));
    expect(readPrebuiltMacros(pathToFileURL(file))).toBeNull();
    writeFileSync(file, '{"build":');
    expect(readPrebuiltMacros(pathToFileURL(file))).toBeNull();
    expect(readPrebuiltMacros(pathToFileURL(path.join(dir, 'missing.json')))).toBeNull();
  });
});
