/**
 * What relations exist, remembered for one run (dbt keeps the same "relation cache"). Every node asks
 * whether its relation, its staging and its backup relation exist; asking the warehouse each time costs a
 * catalog query per question, and on DuckDB such a query scans the whole catalog, so a run of n models
 * cost O(n²). Instead the run lists each schema it writes to once, and the materializations report what
 * they create, rename and drop.
 *
 * It stays exact where that is cheap and falls back to the catalog where it is not:
 * - a name differing only in case from one listed is asked of the catalog (DuckDB folds case, PostgreSQL
 *   does not, so only the catalog knows whether they are the same relation);
 * - a node whose materialization failed, or whose transaction rolled back, may have left its relations in
 *   any state: its names are `forget()`-ten and asked of the catalog from then on;
 * - names in schemas that were not listed (or spelled differently) are asked of the catalog.
 * Relations changed during the run by something other than xform's materializations (another process, a
 * hook's own DDL on another node's relation) are not seen.
 */
import type { Catalog, CatalogRelation, Relation, RelationKind } from '../adapter/types.js';

/** Schemas by exact spelling: one spelled differently is simply not listed, and asked of the catalog. */
const schemaKey = (database: string | undefined, schema: string): string => `${database ?? ''}\u0000${schema}`;
const nameKey = (r: Relation): string => `${schemaKey(r.database, r.schema)}\u0000${r.identifier.toLowerCase()}`;

export class RelationCache {
  /** Lower-cased name -> the relations listed or created under that name (exact spelling). */
  private readonly relations = new Map<string, CatalogRelation[]>();
  private readonly loadedSchemas = new Set<string>();
  /** Lower-cased names whose state is unknown: asked of the catalog. */
  private readonly unknown = new Set<string>();

  constructor(private readonly catalog: Catalog) {}

  /** Lists each distinct (database, schema) of `relations` once. */
  async load(relations: Iterable<Relation>): Promise<void> {
    const schemas = new Map<string, Relation>();
    for (const r of relations) {
      const key = schemaKey(r.database, r.schema);
      if (!this.loadedSchemas.has(key) && !schemas.has(key)) schemas.set(key, r);
    }
    for (const [key, r] of schemas) {
      const listed = await this.catalog.listRelations(r.schema, r.database);
      for (const found of listed) {
        // Keyed as the nodes spell database and schema (the catalog spells the database out).
        this.add({ ...found, database: r.database, schema: r.schema });
      }
      this.loadedSchemas.add(key);
    }
  }

  /** Every relation known to exist in the listed schemas, spelled as the nodes spell their schema. */
  known(): CatalogRelation[] {
    return [...this.relations.values()].flat();
  }

  async get(relation: Relation): Promise<CatalogRelation | undefined> {
    const key = nameKey(relation);
    if (this.unknown.has(key) || !this.loadedSchemas.has(schemaKey(relation.database, relation.schema))) {
      return this.catalog.getRelation(relation);
    }
    const entries = this.relations.get(key);
    if (entries === undefined) return undefined;
    const exact = entries.find((e) => e.identifier === relation.identifier);
    if (exact && entries.length === 1) return exact;
    return this.catalog.getRelation(relation);
  }

  /** `relation` now exists as `kind` (created, or renamed to this name). */
  created(relation: Relation, kind: RelationKind): void {
    if (!this.settle(relation)) return;
    this.relations.set(nameKey(relation), [{ ...relation, kind }]);
  }

  /** `relation` no longer exists (dropped, or renamed away). */
  dropped(relation: Relation): void {
    if (!this.settle(relation)) return;
    this.relations.delete(nameKey(relation));
  }

  /** Nothing is known about `relation` any more: later questions go to the catalog. */
  forget(relation: Relation): void {
    const key = nameKey(relation);
    this.relations.delete(key);
    this.unknown.add(key);
  }

  private add(relation: CatalogRelation): void {
    const key = nameKey(relation);
    const entries = this.relations.get(key);
    if (entries) entries.push(relation);
    else this.relations.set(key, [relation]);
  }

  /**
   * Whether a change to `relation` can be recorded exactly: no other spelling of its name is listed (with
   * one, whether the warehouse folds case decides what changed, so the name becomes unknown instead).
   */
  private settle(relation: Relation): boolean {
    const key = nameKey(relation);
    if (this.unknown.has(key)) return false;
    const entries = this.relations.get(key) ?? [];
    if (entries.some((e) => e.identifier !== relation.identifier)) {
      this.forget(relation);
      return false;
    }
    return true;
  }
}
