/**
 * The Snowflake adapter with the real snowflake-sdk pointed (`accessUrl`) at a local server speaking
 * Snowflake's REST protocol (fake-snowflake.ts): login settings, value and error mapping, query ids,
 * cancellation, seeds by batched binds, a table swapped in through core, and credentials kept out of errors.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAdapter, type SnowflakeAdapter } from '@xform/adapter-snowflake';
import type { SnowflakeTargetConfig } from '@xform/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { materialize, materializeSeed } from '../../../../core/src/materialize/index.js';
import { modelNode, seedNode } from '../../conformance/helpers.js';
import { FakeSnowflake } from './fake-snowflake.js';

const PASSWORD = 'Sn0w-Secret-Pw';
let fake: FakeSnowflake;
let accessUrl = '';
let dir = '';
const adapters: SnowflakeAdapter[] = [];

function target(extra: Partial<SnowflakeTargetConfig> = {}): SnowflakeTargetConfig {
  return {
    type: 'snowflake',
    name: 'test',
    account: 'acme-xy12345',
    user: 'XFORM',
    password: PASSWORD,
    role: 'TRANSFORMER',
    warehouse: 'XS',
    database: 'analytics_db',
    schema: 'marts',
    threads: 2,
    query_tag: 'xform-run',
    ...extra,
  };
}

async function adapter(extra: Partial<SnowflakeTargetConfig> = {}): Promise<SnowflakeAdapter> {
  const created = (await createAdapter(target(extra), { projectRoot: dir, accessUrl })) as SnowflakeAdapter;
  adapters.push(created);
  return created;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'xform-sf-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  fake = new FakeSnowflake();
  accessUrl = await fake.start();
});
afterEach(async () => {
  for (const a of adapters.splice(0)) await a.close();
  await fake.stop();
});

describe('snowflake adapter on a local endpoint', () => {
  it('logs in with the target settings, sets the query tag, maps values and names, returns query ids', async () => {
    fake.answer(/^select/u, {
      columns: [
        { name: 'ID', type: 'fixed' },
        { name: 'BIG', type: 'fixed' },
        { name: 'AMOUNT', type: 'fixed', scale: 2 },
        { name: 'RATIO', type: 'real' },
        { name: 'Mixed Name', type: 'text' },
        { name: 'OK', type: 'boolean' },
        { name: 'NOTE', type: 'text' },
      ],
      rows: [['7', '9007199254740993', '12.50', '0.25', 'x', '1', null]],
    });
    const sf = await adapter();
    const result = await sf.withConnection((c) => c.execute('select * from orders', { label: 'model.shop.orders' }));
    expect(result.rows).toEqual([{ id: 7, big: '9007199254740993', amount: 12.5, ratio: 0.25, 'Mixed Name': 'x', ok: true, note: null }]);
    expect(result.columns.map((c) => c.name)).toEqual(['id', 'big', 'amount', 'ratio', 'Mixed Name', 'ok', 'note']);
    const statement = fake.statements.find((s) => s.sql === 'select * from orders')!;
    expect(result.info).toEqual({ query_id: statement.queryId });
    expect(fake.logins[0]).toMatchObject({ ACCOUNT_NAME: 'acme-xy12345', LOGIN_NAME: 'XFORM', PASSWORD });
    expect(fake.statements[0]!.sql).toBe("alter session set query_tag = 'xform-run'");
  });

  it('maps a failed statement to XFORM_SQL_ERROR with SQL state, query id and position, never the password', async () => {
    fake.answer(/selec /u, { error: { code: '001003', sqlState: '42000', message: "SQL compilation error:\nsyntax error line 2 at position 0 unexpected 'selec'." } });
    const sf = await adapter();
    const err = (await sf.withConnection((c) => c.execute('-- model\nselec 1', { label: 'model.shop.bad' })).catch((e: unknown) => e)) as Record<string, unknown> & Error;
    expect(err).toMatchObject({ code: 'XFORM_SQL_ERROR', sqlState: '42000', sqlPosition: { line: 2, column: 1 }, hint: 'while running model.shop.bad on snowflake' });
    expect(err.message).toMatch(/syntax error line 2 at position 0 unexpected 'selec'\.\s\(query id 01b2-query-\d+\)/u);
    expect(JSON.stringify({ m: err.message, h: err.hint, s: err.stack })).not.toContain(PASSWORD);
  });

  it('reports a failed login with account and user, never the password', async () => {
    const sf = await adapter({ password: 'wrong-password' });
    const err = (await sf.acquire().catch((e: unknown) => e)) as Error & { code: string; hint?: string };
    expect(err.code).toBe('XFORM_CONNECTION_FAILED');
    expect(err.message).toMatch(/could not connect to Snowflake account acme-xy12345 as XFORM: .*Incorrect username or password/u);
    expect(JSON.stringify({ m: err.message, h: err.hint, s: err.stack })).not.toContain('wrong-password');
  });

  it('authenticates with a key pair: a JWT signed with the private key, which never reaches an error', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    await mkdir(path.join(dir, 'keys'), { recursive: true });
    await writeFile(path.join(dir, 'keys/rsa_key.p8'), privateKey);
    const sf = await adapter({ password: undefined, private_key_path: 'keys/rsa_key.p8' });
    await sf.withConnection((c) => c.execute('select 1'));
    const login = fake.logins[0] as Record<string, string>;
    expect(login.AUTHENTICATOR).toBe('SNOWFLAKE_JWT');
    expect(login.PASSWORD).toBeUndefined();
    const claims = JSON.parse(Buffer.from(login.TOKEN!.split('.')[1]!, 'base64url').toString('utf8')) as { iss: string; sub: string };
    expect(claims.sub).toBe('ACME-XY12345.XFORM');
    expect(claims.iss).toMatch(/^ACME-XY12345\.XFORM\.SHA256:/u);

    const keyBody = privateKey.split('\n')[1]!;
    fake.answer(/boom/u, { error: { code: '002003', sqlState: '42S02', message: "Object 'BOOM' does not exist or not authorized." } });
    const err = (await sf.withConnection((c) => c.execute('select * from boom')).catch((e: unknown) => e)) as Error & { hint?: string };
    expect(JSON.stringify({ m: err.message, h: err.hint, s: err.stack })).not.toContain(keyBody);
    await expect(createAdapter(target({ password: undefined, private_key_path: 'keys/missing.p8' }), { projectRoot: dir, accessUrl })).rejects.toMatchObject({
      code: 'XFORM_PROFILE_INVALID',
      message: "target 'test' (snowflake): the private key file keys/missing.p8 cannot be read",
    });
  });

  it('cancels a running statement through the SDK', async () => {
    fake.answer(/call system\$wait/u, { hang: true });
    const sf = await adapter();
    const connection = await sf.acquire();
    const running = connection.execute('call system$wait(60)').catch((e: unknown) => e);
    while (!fake.statements.some((s) => s.sql.startsWith('call'))) await new Promise((r) => setTimeout(r, 10));
    await sf.cancelAll();
    const err = await running;
    sf.release(connection);
    expect(fake.aborted.length).toBeGreaterThan(0);
    expect(err).toMatchObject({ code: 'XFORM_SQL_ERROR', message: expect.stringContaining('canceled') });
  });

  it('loads a seed with batched binds and swaps the table in', async () => {
    await writeFile(path.join(dir, 'countries.csv'), 'code,name,population\nFR,France,68.4\nDE,"Germany, Federal Republic",\n');
    fake.answer(/^insert into analytics_db.marts.countries__xform_tmp/u, { dml: -1 });
    fake.answer(/information_schema.tables/u, { columns: [{ name: 'TABLE_NAME', type: 'text' }, { name: 'TABLE_TYPE', type: 'text' }], rows: [] });
    const sf = await adapter();
    const node = { ...seedNode('marts', 'countries', 'countries.csv'), database: 'analytics_db' };
    const result = await sf.withConnection((connection) => materializeSeed({ adapter: sf, connection, node, projectRoot: dir, fullRefresh: false }));
    expect(result).toMatchObject({ status: 'success', rowsAffected: 2 });
    const insert = fake.statements.find((s) => s.sql.startsWith('insert'))!;
    expect(insert.sql).toBe('insert into analytics_db.marts.countries__xform_tmp (code, name, population)\nvalues (?, ?, ?)');
    expect(insert.bindings).toMatchObject({
      '1': { type: 'TEXT', value: ['FR', 'DE'] },
      '2': { type: 'TEXT', value: ['France', 'Germany, Federal Republic'] },
      '3': { type: 'TEXT', value: ['68.4', null] },
    });
    expect(fake.statements.map((s) => s.sql.split('\n')[0])).toContain('alter table analytics_db.marts.countries__xform_tmp rename to analytics_db.marts.countries');
  });

  it('publishes a rebuilt table with SWAP WITH and reads the catalog by stored names', async () => {
    fake.answer(/information_schema.tables where table_schema = \? and table_name = \?/u, { columns: [{ name: 'TABLE_NAME', type: 'text' }, { name: 'TABLE_TYPE', type: 'text' }], rows: [['FCT_ORDERS', 'BASE TABLE']] });
    fake.answer(/^create or replace transient table/u, { columns: [{ name: 'status', type: 'text' }], rows: [['Table FCT_ORDERS__XFORM_TMP successfully created.']] });
    fake.answer(/^select count\(\*\)/u, { columns: [{ name: 'ROW_COUNT', type: 'fixed' }], rows: [['5']] });
    const sf = await adapter();
    const node = { ...modelNode('marts', 'fct_orders', { materialized: 'table', cluster_by: ['order_date'] }), database: 'analytics_db' };
    const result = await sf.withConnection((connection) =>
      materialize({ adapter: sf, connection, node, fullRefresh: false, renderSql: () => 'select 1 as id', renderHook: (s) => s }),
    );
    expect(result).toMatchObject({ status: 'success', rowsAffected: 5 });
    const sent = fake.statements.map((s) => s.sql.split('\n')[0]);
    expect(sent).toContain('create or replace transient table analytics_db.marts.fct_orders__xform_tmp');
    expect(sent).toContain('alter table analytics_db.marts.fct_orders swap with analytics_db.marts.fct_orders__xform_tmp');
    const lookups = fake.statements.filter((s) => s.sql.includes('table_name = ?'));
    expect(lookups[0]!.sql).toContain('from analytics_db.information_schema.tables');
    const looked = lookups.map((l) => Object.values(l.bindings ?? {}).map((b) => b.value));
    expect(looked).toContainEqual(['MARTS', 'FCT_ORDERS__XFORM_TMP']);
    expect(looked).toContainEqual(['MARTS', 'FCT_ORDERS']);
    expect(await sf.catalog.getRelation({ database: 'analytics_db', schema: 'marts', identifier: 'fct_orders' })).toEqual({ database: 'analytics_db', schema: 'marts', identifier: 'fct_orders', kind: 'table' });
  });
});
