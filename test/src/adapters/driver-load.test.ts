/**
 * Compiling needs only a warehouse's dialect: its driver loads when a connection opens, not when the adapter
 * package is imported. DuckDB's (a native library of tens of megabytes) is checked by whether the library is
 * mapped into a fresh process (Linux); the Snowflake SDK by the variable set just before it loads.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ENTRY = fileURLToPath(new URL('../../../adapters/duckdb/dist/index.js', import.meta.url));

const SCRIPT = `
import { readFileSync } from 'node:fs';
const mapped = () => /duckdb[^\\n]*\\.node/.test(readFileSync('/proc/self/maps', 'utf8'));
const m = await import(process.argv[1]);
m.createDialect();
const afterImport = mapped();
const adapter = await m.createAdapter({ type: 'duckdb', name: 'dev', schema: 'main', threads: 1, path: ':memory:' }, { projectRoot: process.cwd() });
const rows = await adapter.withConnection((c) => c.execute('select 41 + 1 as answer'));
await adapter.close();
console.log(JSON.stringify({ afterImport, afterOpen: mapped(), rows: rows.rows ?? rows }));
`;

describe('the DuckDB driver', () => {
  it.skipIf(process.platform !== 'linux' || !existsSync(ENTRY))('loads when a database opens, not when the package is imported for its dialect', () => {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', SCRIPT, ENTRY], { encoding: 'utf8' });
    expect(child.status, child.stderr).toBe(0);
    const out = JSON.parse(child.stdout.trim().split('\n').pop()!);
    expect(out.afterImport).toBe(false);
    expect(out.afterOpen).toBe(true);
    expect(JSON.stringify(out.rows)).toContain('42');
  });
});

const SNOWFLAKE_ENTRY = fileURLToPath(new URL('../../../adapters/snowflake/dist/index.js', import.meta.url));

describe('the Snowflake SDK', () => {
  it.skipIf(!existsSync(SNOWFLAKE_ENTRY))('is not loaded when the package is imported for its dialect', () => {
    // aws-sdk-env.ts sets this variable just before the SDK loads.
    const script = `const m = await import(process.argv[1]); m.createDialect(); console.log(String(process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED));`;
    const env = { ...process.env };
    delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script, SNOWFLAKE_ENTRY], { encoding: 'utf8', env });
    expect(child.status, child.stderr).toBe(0);
    expect(child.stdout.trim()).toBe('undefined');
  });
});
