/**
 * The conformance suite on a real BigQuery project, only when XFORM_BIGQUERY_PROJECT (and credentials) are
 * set; otherwise it is skipped with a message saying what to set. Datasets are created and dropped by the
 * suite (`xf<n>_<label>`), in XFORM_BIGQUERY_LOCATION.
 */
import { createAdapter } from '@xform/adapter-bigquery';
import { bigQueryTarget, describeSkippedLive, liveProfile } from './live-targets.js';
import { defineConformanceSuite } from './suite.js';

const target = bigQueryTarget();

if (!target) {
  describeSkippedLive('bigquery', 'XFORM_BIGQUERY_PROJECT (and XFORM_BIGQUERY_KEYFILE or XFORM_BIGQUERY_KEYFILE_JSON, or application default credentials)');
} else {
  defineConformanceSuite('bigquery', () => createAdapter(target, { projectRoot: process.cwd() }), {
    cliTarget: (adapter, _root, schema) => ({
      profile: liveProfile('bigquery', [
        ['method', target.method],
        ['project', target.project],
        ['dataset', schema],
        ['location', target.location],
        ['threads', 4],
        ['keyfile', target.keyfile],
        ['keyfile_json', target.keyfile_json === undefined ? undefined : "{{ env_var('XFORM_BIGQUERY_KEYFILE_JSON') }}"],
      ]),
      query: async (sql) => (await adapter.withConnection((c) => c.execute(sql))).rows,
    }),
  });
}
