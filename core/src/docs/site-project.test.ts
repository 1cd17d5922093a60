import { describe, expect, test } from 'vitest';
import type { SourceNode } from '../graph/types.js';
import type { SourcesJsonFile } from '../quality/sources-json.js';
import { freshnessResults, sourceFreshness } from './site-project.js';

const source = (over: Partial<SourceNode>): SourceNode => ({ unique_id: 'source.shop.loads.events', resource_type: 'source', name: 'events', source_name: 'loads', ...over }) as SourceNode;

const file: SourcesJsonFile = {
  metadata: { dbt_schema_version: 'v3', xform_version: '0', generated_at: '2026-12-06T10:00:00.000Z', invocation_id: 'x', env: {} },
  elapsed_time: 1,
  results: [
    { unique_id: 'source.shop.loads.events', status: 'warn', max_loaded_at: '2026-12-06T07:00:00.000Z', snapshotted_at: '2026-12-06T10:00:00.000Z', max_loaded_at_time_ago_in_s: 10800 },
    { unique_id: 'source.shop.loads.ghost', status: 'runtime error', error: 'Catalog Error: Table with name ghost does not exist!' },
  ],
};

describe("a source table's freshness in the docs site", () => {
  test('rules and the last result from sources.json', () => {
    const last = freshnessResults(file);
    const node = source({ loaded_at_field: 'loaded_at', freshness: { warn_after: { count: 1, period: 'hour' }, error_after: { count: 1, period: 'day' } } });
    expect(sourceFreshness(node, last.get(node.unique_id))).toEqual({
      loadedAtField: 'loaded_at',
      warnAfter: { count: 1, period: 'hour' },
      errorAfter: { count: 1, period: 'day' },
      last: { status: 'warn', maxLoadedAt: '2026-12-06T07:00:00.000Z', snapshottedAt: '2026-12-06T10:00:00.000Z', ageSeconds: 10800, checkedAt: '2026-12-06T10:00:00.000Z' },
    });
  });

  test('a runtime error keeps its message; a table without rules or result has no freshness', () => {
    expect(freshnessResults(file).get('source.shop.loads.ghost')).toEqual({ status: 'runtime error', maxLoadedAt: null, snapshottedAt: null, ageSeconds: null, checkedAt: '2026-12-06T10:00:00.000Z', error: 'Catalog Error: Table with name ghost does not exist!' });
    expect(sourceFreshness(source({ freshness: null }), undefined)).toBeUndefined();
    expect(freshnessResults(undefined).size).toBe(0);
  });
});
