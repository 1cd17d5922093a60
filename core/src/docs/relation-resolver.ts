/**
 * Which node a relation name in a model's compiled SQL stands for: one of the relations its own refs and
 * sources (and `this`) rendered to, never another node that merely has the same table name.
 */
import type { SourceNode, ExecutableNode } from '../graph/types.js';
import type { ResolvedRelation } from './column-lineage.js';

type DrawnNode = ExecutableNode | SourceNode;

/** The relation names a node renders to in compiled SQL, lower-cased: [database?, schema, identifier]. */
function relationParts(node: DrawnNode): { database?: string; schema: string; identifier: string } {
  return {
    ...(node.database ? { database: node.database.toLowerCase() } : {}),
    schema: node.schema.toLowerCase(),
    identifier: (node.resource_type === 'source' ? node.identifier : node.alias).toLowerCase(),
  };
}

/**
 * Refs and sources named only in a `-- depends_on: {{ ref(...) }}` comment: they order the build but render
 * into a comment, so they never feed a column (the example's silver models name the seed that stands in for
 * their source this way, and both render to the same relation).
 */
function commentOnlyDependencies(raw: string | undefined): { refs: Set<string>; sources: Set<string> } {
  const refs = new Set<string>();
  const sources = new Set<string>();
  for (const line of (raw ?? '').split('\n')) {
    if (!/--\s*depends_on\s*:/i.test(line)) continue;
    for (const m of line.matchAll(/\bref\(\s*['"]([^'"]+)['"](?:\s*,\s*['"]([^'"]+)['"])?/g)) refs.add((m[2] ?? m[1]!).toLowerCase());
    for (const m of line.matchAll(/\bsource\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]/g)) sources.add(`${m[1]}.${m[2]}`.toLowerCase());
  }
  return { refs, sources };
}

/**
 * Resolves a relation name of a model's compiled SQL to one of the relations its refs and sources (and
 * `this`) rendered to, never to another node that merely has the same table name: a seed `orders` and a
 * source table `orders` in another database or schema stay apart.
 */
export function relationResolver(node: DrawnNode, candidates: { node: DrawnNode; rel: ResolvedRelation | undefined }[]): (parts: string[]) => ResolvedRelation | { reason: string } | undefined {
  const usable = candidates.filter((c): c is { node: DrawnNode; rel: ResolvedRelation } => c.rel !== undefined).map((c) => ({ ...c, name: relationParts(c.node) }));
  let commentOnly: ReturnType<typeof commentOnlyDependencies> | undefined;
  const onlyInComment = (c: { node: DrawnNode }) => {
    commentOnly ??= commentOnlyDependencies(node.resource_type === 'source' ? undefined : node.raw_code);
    return c.node.resource_type === 'source' ? commentOnly.sources.has(`${c.node.source_name}.${c.node.name}`.toLowerCase()) : commentOnly.refs.has(c.node.name.toLowerCase());
  };
  return (parts) => {
    const [identifier, schema, database] = [...parts].reverse();
    let found = usable.filter(({ name }) => name.identifier === identifier && (schema === undefined || name.schema === schema) && (database === undefined || name.database === undefined || name.database === database));
    if (found.length > 1) found = found.filter((c) => !onlyInComment(c));
    if (found.length === 1) return found[0]!.rel;
    if (found.length > 1) return { reason: `${parts.join('.')} is the relation of more than one ref or source (${found.map((c) => c.node.name).join(', ')})` };
    return undefined;
  };
}
