import { describe, expect, it } from 'vitest';
import { model, seed, source, test as testNode } from '../graph/__fixtures__/nodes.js';
import type { GraphNode, MacroNode } from '../graph/types.js';
import type { StateValue } from '../graph/index.js';
import { StateComparison } from './modified.js';

function macro(id: string, sql: string, calls: string[] = []): MacroNode {
  const [, pkg, name] = id.split('.') as [string, string, string];
  return { unique_id: id, name, package_name: pkg, original_file_path: 'macros/m.sql', line: 1, arguments: [], macro_sql: sql, description: '', depends_on: { macros: calls } };
}

/** Which of `values` match `node` when the state held `old` (and macros as given). */
function verdicts(old: GraphNode | undefined, node: GraphNode, macros: { now?: MacroNode[]; before?: MacroNode[] } = {}): StateValue[] {
  const toRecord = (list: MacroNode[] = []) => Object.fromEntries(list.map((m) => [m.unique_id, m]));
  const previous = { nodes: {} as Record<string, never>, sources: {} as Record<string, never>, macros: toRecord(macros.before) };
  if (old !== undefined) (old.resource_type === 'source' ? previous.sources : previous.nodes)[old.unique_id as never] = old as never;
  const comparison = new StateComparison({ macros: toRecord(macros.now) }, previous);
  const values: StateValue[] = ['new', 'old', 'modified', 'unmodified', 'modified.body', 'modified.configs', 'modified.relation', 'modified.persisted_descriptions', 'modified.macros', 'modified.contract'];
  return values.filter((v) => comparison.matches(v, node));
}

describe('state comparison (dbt same_contents)', () => {
  it('a node absent from the state is new and modified in every part', () => {
    expect(verdicts(undefined, model('a'))).toEqual(['new', 'modified', 'modified.body', 'modified.configs', 'modified.relation', 'modified.persisted_descriptions', 'modified.contract']);
  });

  it('the same node is old and unmodified, whatever its target schema or line endings', () => {
    const before = { ...model('a'), raw_code: 'select 1\r\nfrom x\r\n', schema: 'prod' };
    const now = { ...model('a'), raw_code: 'select 1\nfrom x\n', schema: 'ci_123' };
    expect(verdicts(before, now)).toEqual(['old', 'unmodified']);
  });

  it('a changed body is modified.body only', () => {
    expect(verdicts(model('a'), { ...model('a'), raw_code: 'select 2' })).toEqual(['old', 'modified', 'modified.body']);
  });

  it('a seed compares by its file checksum', () => {
    const before = seed('s');
    expect(verdicts(before, { ...seed('s'), checksum: { name: 'sha256', checksum: 'other' } })).toEqual(['old', 'modified', 'modified.body']);
  });

  it('a changed config is modified.configs; tags are not a config change (as dbt)', () => {
    expect(verdicts(model('a'), model('a', { config: { materialized: 'table' } }))).toEqual(['old', 'modified', 'modified.configs']);
    expect(verdicts(model('a'), model('a', { config: { tags: ['nightly'] } }))).toEqual(['old', 'unmodified']);
  });

  it('a config the project file sets through Jinja compares as written, as dbt compares unrendered_config', () => {
    const written = { materialized: "{{ 'table' if target.name == 'prod' else 'view' }}" };
    const before = { ...model('a', { config: { materialized: 'table' } }), unrendered_config: { materialized: written.materialized } };
    const now = { ...model('a', { config: { materialized: 'view' } }), unrendered_config: { materialized: written.materialized } };
    expect(verdicts(before, now)).toEqual(['old', 'unmodified']);
    expect(verdicts(before, { ...now, unrendered_config: { materialized: "{{ 'view' }}" } })).toEqual(['old', 'modified', 'modified.configs']);
  });

  it('a configured schema or alias is modified.relation (and not modified.configs)', () => {
    expect(verdicts(model('a'), model('a', { config: { schema: 'marts' } }))).toEqual(['old', 'modified', 'modified.relation']);
    expect(verdicts(model('a'), model('a', { config: { alias: 'a2' } }))).toEqual(['old', 'modified', 'modified.relation']);
  });

  it('descriptions count only when persist_docs persists them', () => {
    const persisted = { persist_docs: { relation: true, columns: true } };
    const described = (text: string, config = {}) => ({ ...model('a', { config }), description: text });
    expect(verdicts(described('old'), described('new'))).toEqual(['old', 'unmodified']);
    expect(verdicts(described('old', persisted), described('new', persisted))).toEqual(['old', 'modified', 'modified.persisted_descriptions']);
    const col = (d: string) => ({ ...model('a', { config: { persist_docs: { columns: true } } }), columns: { id: { name: 'id', description: d, meta: {}, tags: [], tests: [], location: { file: 'x' } } } });
    expect(verdicts(col('one'), col('two'))).toEqual(['old', 'modified', 'modified.persisted_descriptions']);
  });

  it('a macro the node calls, directly or through another macro, is modified.macros', () => {
    const calling = { ...model('a'), depends_on: { nodes: [], macros: ['macro.shop.outer'] } };
    const before = [macro('macro.shop.outer', '{% macro outer() %}{{ inner() }}{% endmacro %}', ['macro.shop.inner']), macro('macro.shop.inner', 'x')];
    const now = [before[0]!, macro('macro.shop.inner', 'y', [])];
    expect(verdicts(calling, calling, { before, now })).toEqual(['old', 'modified', 'modified.macros']);
    // An unrelated macro's change leaves the node alone; so do line endings.
    const unrelated = [...before, macro('macro.shop.other', 'a')];
    expect(verdicts(calling, calling, { before: unrelated, now: [...before, macro('macro.shop.other', 'b')] })).toEqual(['old', 'unmodified']);
    expect(verdicts(calling, calling, { before, now: [before[0]!, macro('macro.shop.inner', 'x\r\n'.trimEnd())] })).toEqual(['old', 'unmodified']);
  });

  it('an enforced contract changes with a column type; an unenforced one never counts', () => {
    const contracted = (type: string, enforced = true) => ({
      ...model('a', { config: { contract: { enforced } } }),
      columns: { id: { name: 'id', description: '', data_type: type, meta: {}, tags: [], tests: [], location: { file: 'x' } } },
    });
    expect(verdicts(contracted('int'), contracted('bigint'))).toEqual(['old', 'modified', 'modified.contract']);
    expect(verdicts(contracted('int', false), contracted('bigint', false))).toEqual(['old', 'unmodified']);
  });

  it('generic tests compare by config and arguments, sources by relation, config and freshness', () => {
    const generic = testNode('not_null_a_id', { testName: 'not_null' });
    // Their SQL comes from the test macro (whose changes count through modified.macros), not their own text.
    expect(verdicts(generic, { ...generic, raw_code: 'anything else' })).not.toContain('modified');
    expect(verdicts(generic, { ...generic, config: { ...generic.config, severity: 'warn' } })).toContain('modified');
    const src = source('raw', 'orders');
    expect(verdicts(src, { ...src, identifier: 'orders_v2' })).toContain('modified.relation');
    expect(verdicts(src, { ...src, loaded_at_field: 'updated_at' })).toEqual(['old', 'modified']);
    expect(verdicts(src, { ...src, description: 'only words' })).toEqual(['old', 'unmodified']);
  });
});

describe('node checksums', () => {
  it('are the same for a file checked out with CRLF or LF line endings', async () => {
    const { textChecksum } = await import('../compile/build-nodes.js');
    expect(textChecksum('select 1\r\nfrom x\r\n')).toBe(textChecksum('select 1\nfrom x\n'));
    expect(textChecksum('select 1\n')).not.toBe(textChecksum('select 2\n'));
  });
});
