/**
 * What `ref()`, `source()`, `this` and `api.Relation.create()` return inside templates: dbt's Relation. It
 * renders as the quoted, fully qualified relation name, exposes dbt's attributes (database, schema,
 * identifier, name, table, type, is_table...) and methods (include, quote, incorporate, replace_path,
 * without_identifier, matches, render), compares equal by path, and is usable as a dict key or set member
 * (hashed by what it renders to, as dbt hashes it).
 */
import type { RelationRef } from '../graph/types.js';
import { PRINTS_TOKEN, PY_GETATTR, PY_HASH, PY_MAPPING, TOKEN_END, TOKEN_START, Undefined, nativeFunction, pyArg, pyStr, type Kwargs } from '../template/index.js';

export type QuoteRelation = (relation: RelationRef) => string;

type Part = 'database' | 'schema' | 'identifier';
const PARTS: readonly Part[] = ['database', 'schema', 'identifier'];
export type Policy = Record<Part, boolean>;

/** dbt's relation types (`api.Relation.Table`...). */
export const RELATION_TYPES = { Table: 'table', View: 'view', CTE: 'cte', MaterializedView: 'materialized_view', External: 'external' } as const;

export interface RelationOptions {
  /** `table`, `view`, `cte`, ...; default none, as for dbt's ref() and source(). */
  type?: string | null;
  /** The parts render() writes. Default: all three. */
  include?: Partial<Policy>;
  /** Parts quoted (true) or written bare (false). Default: each part as the dialect quotes names. */
  quote?: Partial<Policy>;
  /** What `quote_policy` reports for a part left to the dialect (dbt-snowflake: false; others: true). */
  quoteDefault?: boolean;
  /** The quote character `quote_character` reports. Default `"`. */
  quoteCharacter?: string;
  /**
   * A microbatch batch's filter on this upstream's event_time (dbt's event_time_filter): the relation then
   * renders as `(select * from <name> where <filter>) _dbt_et_filter_subq_<table>`; render() still gives
   * the bare name, which is dbt's way to opt out (`ref('x').render()`).
   */
  eventTimeFilter?: string;
  /**
   * dbt's relation `limit`: the relation prints as a subquery of at most that many rows, aliased as dbt does
   * (`--empty` renders refs and sources with 0, so models build with no rows). Default none.
   */
  limit?: number;
}

/** The path of a relation, each part possibly missing (api.Relation.create(schema='s')). */
export interface RelationPath {
  database?: string | null;
  schema?: string | null;
  identifier?: string | null;
}

const clean = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** Policy keywords given to quote()/include(): booleans only; None or a missing keyword keeps the part. */
function policyArgs(args: unknown[], kwargs: Kwargs): Partial<Policy> {
  const out: Partial<Policy> = {};
  PARTS.forEach((part, i) => {
    const value = pyArg(args, kwargs, i, part, null);
    if (typeof value === 'boolean') out[part] = value;
  });
  return out;
}

function policyDict(value: unknown): Partial<Policy> {
  if (value === null || typeof value !== 'object') return {};
  return policyArgs([], value as Kwargs);
}

export class RelationValue {
  readonly [PY_MAPPING] = true;
  readonly database: string | undefined;
  readonly schema: string | undefined;
  readonly identifier: string | undefined;
  readonly type: string | null;
  private readonly quoteName: QuoteRelation;
  private readonly options: RelationOptions;

  constructor(relation: RelationPath, quote: QuoteRelation, options: RelationOptions = {}) {
    this.database = clean(relation.database);
    this.schema = clean(relation.schema);
    this.identifier = clean(relation.identifier);
    this.type = options.type ?? null;
    this.quoteName = quote;
    this.options = options;
  }

  /** dbt: the relation's name without schema. */
  get name(): string | undefined {
    return this.identifier;
  }

  get table(): string | undefined {
    return this.identifier;
  }

  get is_table(): boolean {
    return this.type === RELATION_TYPES.Table;
  }

  get is_view(): boolean {
    return this.type === RELATION_TYPES.View;
  }

  get is_cte(): boolean {
    return this.type === RELATION_TYPES.CTE;
  }

  get is_materialized_view(): boolean {
    return this.type === RELATION_TYPES.MaterializedView;
  }

  get quote_character(): string {
    return this.options.quoteCharacter ?? '"';
  }

  get include_policy(): Policy {
    const given = this.options.include ?? {};
    return { database: given.database ?? true, schema: given.schema ?? true, identifier: given.identifier ?? true };
  }

  get quote_policy(): Policy {
    const given = this.options.quote ?? {};
    const fallback = this.options.quoteDefault ?? true;
    return { database: given.database ?? fallback, schema: given.schema ?? fallback, identifier: given.identifier ?? fallback };
  }

  /** A copy with `changes` applied (path parts given as null are removed). */
  with(path: RelationPath, options: RelationOptions = {}): RelationValue {
    const merged: RelationPath = { database: this.database, schema: this.schema, identifier: this.identifier };
    for (const part of PARTS) if (part in path) merged[part] = path[part];
    const next: RelationOptions = {
      ...this.options,
      ...options,
      include: { ...this.options.include, ...options.include },
      quote: { ...this.options.quote, ...options.quote },
    };
    return new RelationValue(merged, this.quoteName, next);
  }

  include(policy: Partial<Policy>): RelationValue {
    return this.with({}, { include: policy });
  }

  quote(policy: Partial<Policy>): RelationValue {
    return this.with({}, { quote: policy });
  }

  /** The bare name: dbt's way to opt out of a batch filter or an --empty limit (`ref('x').render()`). */
  render(): string {
    return this.renderName();
  }

  /** dbt's render_limited(): the name, or a subquery of at most `limit` rows. */
  private renderLimited(): string {
    const name = this.renderName();
    const limit = this.options.limit;
    if (limit === undefined) return name;
    const alias = `_dbt_limit_subq_${this.identifier ?? 'relation'}`;
    return limit === 0 ? `(select * from ${name} where false limit 0) ${alias}` : `(select * from ${name} limit ${limit}) ${alias}`;
  }

  private renderName(): string {
    const include = this.options.include ?? {};
    const quote = this.options.quote ?? {};
    const plain = PARTS.every((p) => include[p] === undefined && quote[p] === undefined);
    // The dialect's own rendering unless a policy was changed: ref() renders exactly as it always has.
    if (plain) return this.quoteName({ database: this.database, schema: this.schema ?? '', identifier: this.identifier ?? '' });
    return PARTS.filter((p) => include[p] !== false && this[p] !== undefined)
      .map((p) => (quote[p] === false ? this[p]! : this.quoteName({ schema: '', identifier: this[p]! })))
      .join('.');
  }

  toString(): string {
    const limited = this.renderLimited();
    const filter = this.options.eventTimeFilter;
    if (filter === undefined) return limited;
    return `(select * from ${limited} where ${filter}) _dbt_et_filter_subq_${this.identifier ?? ''}`;
  }

  /** Equal by path, as the relations a template compares (`ref('a') in relations`) are meant. */
  __eq__(other: unknown): boolean {
    const o = other instanceof PendingRelation ? other.resolve() : other;
    return o instanceof RelationValue && PARTS.every((p) => (this[p] ?? null) === (o[p] ?? null));
  }

  [PY_HASH](): string {
    return this.render();
  }

  /** dbt's matches(): every part given equals this relation's; case-insensitively where it is not quoted. */
  matches(search: RelationPath): boolean {
    const quoted = this.quote_policy;
    return PARTS.every((p) => {
      const want = search[p];
      if (want === undefined || want === null) return true;
      const have = this[p] ?? '';
      return quoted[p] ? have === want : have.toLowerCase() === want.toLowerCase();
    });
  }

  [PY_GETATTR](name: string): unknown {
    const method = RELATION_METHODS[name];
    if (method) return nativeFunction((args: unknown[], kwargs: Kwargs) => method(this, args, kwargs));
    // A missing part is None in dbt, not undefined.
    if (RELATION_ATTRIBUTES.has(name)) return (this as unknown as Record<string, unknown>)[name] ?? null;
    return new Undefined(`'Relation' object has no attribute '${name}'`);
  }
}

const RELATION_ATTRIBUTES = new Set([
  'database', 'schema', 'identifier', 'name', 'table', 'type', 'is_table', 'is_view', 'is_cte', 'is_materialized_view',
  'quote_character', 'include_policy', 'quote_policy',
]);

type Method = (self: RelationValue, args: unknown[], kwargs: Kwargs) => unknown;

const RELATION_METHODS: Record<string, Method> = {
  render: (self) => self.render(),
  include: (self, args, kwargs) => self.include(policyArgs(args, kwargs)),
  quote: (self, args, kwargs) => self.quote(policyArgs(args, kwargs)),
  // incorporate(path={...}, type=..., quote_policy={...}, include_policy={...}): a changed copy.
  incorporate: (self, _args, kwargs) => {
    const path = kwargs.path !== null && typeof kwargs.path === 'object' ? (kwargs.path as RelationPath) : {};
    const options: RelationOptions = { include: policyDict(kwargs.include_policy), quote: policyDict(kwargs.quote_policy) };
    if ('type' in kwargs) options.type = typeof kwargs.type === 'string' ? kwargs.type : null;
    return self.with(path, options);
  },
  replace_path: (self, _args, kwargs) => self.with(kwargs as RelationPath),
  without_identifier: (self) => self.with({ identifier: null }, { include: { identifier: false } }),
  matches: (self, args, kwargs) => {
    const search: RelationPath = {};
    PARTS.forEach((p, i) => {
      const v = pyArg(args, kwargs, i, p, null);
      if (typeof v === 'string') search[p] = v;
    });
    return self.matches(search);
  },
  // dbt answers `.get('metadata')` for dbt_utils' sake; other keys read attributes.
  get: (self, args, kwargs) => {
    const key = pyStr(pyArg(args, kwargs, 0, 'key'));
    if (key === 'metadata') return { type: 'Relation' };
    return RELATION_ATTRIBUTES.has(key) ? (self as unknown as Record<string, unknown>)[key] : pyArg(args, kwargs, 1, 'default', null);
  },
  information_schema: (self, args, kwargs) => {
    const view = pyArg(args, kwargs, 0, 'view_name', null);
    return self.with({ schema: 'information_schema', identifier: typeof view === 'string' ? view : null }, { include: { identifier: typeof view === 'string' } });
  },
};

/**
 * `api.Relation` of one target: create() builds a relation quoted like ref()'s, with the policies given.
 * `make` builds a RelationValue as the render context does (dialect quoting, per-adapter defaults).
 */
export function relationApi(make: (path: RelationPath, options?: RelationOptions) => RelationValue): Record<string, unknown> {
  return {
    ...RELATION_TYPES,
    create: nativeFunction((args: unknown[], kwargs: Kwargs) => {
      const path: RelationPath = {};
      PARTS.forEach((p, i) => {
        const v = pyArg(args, kwargs, i, p, null);
        path[p] = typeof v === 'string' ? v : null;
      });
      const type = pyArg(args, kwargs, 3, 'type', null);
      return make(path, {
        type: typeof type === 'string' ? type : null,
        include: policyDict(kwargs.include_policy),
        quote: policyDict(kwargs.quote_policy),
      });
    }),
    add_ephemeral_prefix: nativeFunction((args: unknown[], kwargs: Kwargs) => `__dbt__cte__${pyStr(pyArg(args, kwargs, 0, 'name'))}`),
  };
}

/**
 * Compile renders every model before all configs are known (a model's `config(schema=...)` is only seen when
 * that model itself is rendered), so ref() first returns a token that is swapped for the final relation name
 * once every node is configured. Attribute access on a pending relation cannot wait: the model that used it is
 * rendered a second time with final relations (`onAttributeAccess`); until then attributes and methods answer
 * from the provisional relation. So is a model whose template reads a token's text
 * (template/runtime/relation-tokens.ts).
 */
export { TOKEN_END, TOKEN_START };
export const TOKEN_PATTERN = /\u0001(\d+)\u0002/g;

export class PendingRelation {
  readonly [PY_MAPPING] = true;
  readonly [PRINTS_TOKEN] = true;
  private readonly token: string;

  constructor(
    tokenIndex: number,
    private readonly provisional: () => RelationValue,
    private readonly onAttributeAccess: () => void,
  ) {
    this.token = `${TOKEN_START}${tokenIndex}${TOKEN_END}`;
  }

  /** The provisional relation; the template that asked is rendered again with the final one. */
  resolve(): RelationValue {
    this.onAttributeAccess();
    return this.provisional();
  }

  get database(): string | undefined {
    return this.resolve().database;
  }

  get schema(): string | undefined {
    return this.resolve().schema;
  }

  get identifier(): string | undefined {
    return this.resolve().identifier;
  }

  get name(): string | undefined {
    return this.resolve().identifier;
  }

  get table(): string | undefined {
    return this.resolve().identifier;
  }

  __eq__(other: unknown): boolean {
    return this.resolve().__eq__(other);
  }

  /** As a dict key or set member it must meet relations built from final names: hash by the real name. */
  [PY_HASH](): string {
    return this.resolve().render();
  }

  [PY_GETATTR](name: string): unknown {
    if (name === 'render') return nativeFunction(() => this.token);
    return this.resolve()[PY_GETATTR](name);
  }

  render(): string {
    return this.token;
  }

  toString(): string {
    return this.token;
  }
}
