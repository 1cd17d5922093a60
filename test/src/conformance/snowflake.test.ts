/**
 * The conformance suite on a real Snowflake account, only when XFORM_SNOWFLAKE_ACCOUNT, _USER, _DATABASE,
 * _WAREHOUSE and a credential are set; otherwise it is skipped with a message saying what to set. Schemas
 * are created and dropped by the suite (`xf<n>_<label>`) in XFORM_SNOWFLAKE_DATABASE.
 */
import { createAdapter } from '@xform/adapter-snowflake';
import { describeSkippedLive, liveProfile, snowflakeTarget } from './live-targets.js';
import { defineConformanceSuite } from './suite.js';

const target = snowflakeTarget();

if (!target) {
  describeSkippedLive('snowflake', 'XFORM_SNOWFLAKE_ACCOUNT, XFORM_SNOWFLAKE_USER, XFORM_SNOWFLAKE_DATABASE, XFORM_SNOWFLAKE_WAREHOUSE and XFORM_SNOWFLAKE_PASSWORD or XFORM_SNOWFLAKE_PRIVATE_KEY_PATH');
} else {
  defineConformanceSuite('snowflake', () => createAdapter(target, { projectRoot: process.cwd() }), {
    cliTarget: (adapter, _root, schema) => ({
      profile: liveProfile('snowflake', [
        ['account', target.account],
        ['user', target.user],
        ['password', target.password === undefined ? undefined : "{{ env_var('XFORM_SNOWFLAKE_PASSWORD') }}"],
        ['private_key_path', target.private_key_path],
        ['private_key_passphrase', target.private_key_passphrase === undefined ? undefined : "{{ env_var('XFORM_SNOWFLAKE_PRIVATE_KEY_PASSPHRASE') }}"],
        ['role', target.role],
        ['warehouse', target.warehouse],
        ['database', target.database],
        ['schema', schema],
        ['threads', 4],
      ]),
      query: async (sql) => (await adapter.withConnection((c) => c.execute(sql))).rows,
    }),
  });
}
