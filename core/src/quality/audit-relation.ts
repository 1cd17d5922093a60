/**
 * Where a test's failing rows are kept (store_failures): the tested relation's schema + `_audit`, in a table
 * named after the test. Both names are derived, not chosen, so where the warehouse limits name lengths they
 * are shortened with a hash to fit (see shortenToFit); a test's own `alias` is used as given (compile checks it).
 */
import type { IdentifierLimits, Relation } from '../adapter/types.js';
import { shortenToFit } from '../adapter/identifier-limits.js';
import type { ExecutableNode, GraphNode, TestNode } from '../graph/types.js';

export const AUDIT_SCHEMA_SUFFIX = '_audit';

export function auditRelation(test: TestNode, attached: GraphNode | undefined, targetSchema: string, limits?: IdentifierLimits): Relation {
  const where = attached && attached.resource_type !== 'test' ? (attached as ExecutableNode) : undefined;
  const schema = shortenToFit(where?.schema ?? targetSchema, limits?.schema, AUDIT_SCHEMA_SUFFIX);
  const identifier = typeof test.config.alias === 'string' && test.config.alias !== '' ? test.config.alias : shortenToFit(test.name, limits?.relation);
  return where?.database ? { database: where.database, schema, identifier } : { schema, identifier };
}
