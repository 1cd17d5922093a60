/**
 * The relations a project writes, checked before anything runs: every name must fit the warehouse's
 * identifier limit (PostgreSQL cuts longer names to 63 bytes without an error, so the first build
 * "works" and every later one fails with `relation ... already exists`), and no two nodes may write the
 * same relation. Failing-rows tables of tests configured `store_failures` count as relations too.
 */
import type { IdentifierLimits, NameLimit } from '../adapter/types.js';
import { fitsLimit, nameLength } from '../adapter/identifier-limits.js';
import type { DiagnosticBag, SourceLocation } from '../errors.js';
import type { ExecutableNode, RelationRef, TestNode } from '../graph/types.js';
import { auditRelation } from '../quality/audit-relation.js';
import { locateCall } from './source-lines.js';

export interface RelationNamesInput {
  executables: readonly ExecutableNode[];
  tests: readonly TestNode[];
  targetSchema: string;
  /** The dialect's name, for messages (`postgres`). */
  warehouse: string;
  /** The dialect's limits; undefined: none (DuckDB). */
  limits: IdentifierLimits | undefined;
  bag: DiagnosticBag;
}

interface Writer {
  label: string;
  location: SourceLocation;
}

export function checkRelationNames(input: RelationNamesInput): void {
  const { limits, bag } = input;
  const owners = new Map<string, Writer>();
  const claim = (relation: RelationRef, writer: Writer) => {
    // Names that differ only in case are one relation on DuckDB and on Snowflake (bare names are stored
    // upper-cased), so they are reported everywhere: a project must not build on one warehouse only.
    const key = `${relation.database ?? ''}.${relation.schema}.${relation.identifier}`.toLowerCase();
    const owner = owners.get(key);
    if (!owner) return void owners.set(key, writer);
    bag.error(
      'XFORM_DUPLICATE_RELATION',
      `${writer.label} and ${owner.label} (${owner.location.file}) would both be built as ${relation.schema}.${relation.identifier}`,
      writer.location,
      'give one of them another alias or schema in config()',
    );
  };
  /** `what(length)` says whose name it is: "model 'x' would be built as 'y' (70 bytes)". */
  const tooLong = (what: (length: string) => string, name: string, limit: NameLimit | undefined, location: SourceLocation, hint: string) => {
    if (limit === undefined || fitsLimit(name, limit)) return;
    const length = `${nameLength(name, limit)} ${limit.unit}`;
    bag.error('XFORM_NAME_TOO_LONG', `${what(length)}: ${input.warehouse} allows at most ${limit.max} ${limit.unit} in a name`, location, hint);
  };

  const byId = new Map(input.executables.map((n) => [n.unique_id, n]));
  for (const node of input.executables) {
    if (node.config.enabled === false || node.config.materialized === 'ephemeral') continue;
    const file = node.original_file_path;
    const label = `${node.resource_type} '${node.name}'`;
    // Where the name was written, when it was (a config() call); a snapshot's body starts at its block.
    const at = (value: unknown): SourceLocation => {
      const found = node.resource_type === 'snapshot' ? undefined : locateCall(file, node.raw_code, 'config', String(value));
      return found?.line !== undefined ? found : { file, line: node.line ?? 1 };
    };
    const built = node.alias === node.name ? (n: string) => `the name of ${label} is ${n} long` : (n: string) => `${label} would be built as '${node.alias}' (${n})`;
    const where = node.resource_type === 'seed' ? `config: {alias: ...} of seed '${node.name}' in a schema YAML` : `{{ config(alias='...') }} in ${file}, or alias: in its YAML`;
    tooLong(built, node.alias, limits?.relation, at(node.alias), `give it a shorter alias (the file name can stay): ${where}`);
    tooLong(
      (n) => `${label} would be built in schema '${node.schema}' (${n})`,
      node.schema,
      limits?.schema,
      at(node.config.schema ?? node.schema),
      node.config.schema ? 'give it a shorter schema in config()' : "shorten the target's schema in profiles.yml",
    );
    claim({ ...(node.database ? { database: node.database } : {}), schema: node.schema, identifier: node.alias }, { label, location: at(node.alias) });
  }
  for (const test of input.tests) {
    if (test.resource_type !== 'test' || test.config.enabled === false) continue;
    const location = { file: test.original_file_path, ...(test.line === undefined ? {} : { line: test.line }) };
    const alias = test.config.alias;
    if (typeof alias === 'string' && alias !== '') {
      tooLong((n) => `test '${test.name}' would keep its failing rows in table '${alias}' (${n})`, alias, limits?.relation, location, 'give the test a shorter alias (it names the table of its failing rows)');
    }
    if (test.config.store_failures !== true) continue;
    const attached = test.attached_node === undefined ? undefined : byId.get(test.attached_node);
    claim(auditRelation(test, attached, input.targetSchema, limits), { label: `the failing rows of test '${test.name}'`, location });
  }
}
