/**
 * What `ref()`, `source()` and `this` return inside templates: an object that renders as the quoted,
 * fully qualified relation name and exposes dbt's attributes (database, schema, identifier, name).
 */
import type { RelationRef } from '../graph/types.js';

export type QuoteRelation = (relation: RelationRef) => string;

export class RelationValue {
  readonly database: string | undefined;
  readonly schema: string;
  readonly identifier: string;
  private readonly quote: QuoteRelation;

  constructor(relation: RelationRef, quote: QuoteRelation) {
    this.database = relation.database;
    this.schema = relation.schema;
    this.identifier = relation.identifier;
    this.quote = quote;
  }

  /** dbt: the relation's name without schema. */
  get name(): string {
    return this.identifier;
  }

  get table(): string {
    return this.identifier;
  }

  render(): string {
    return this.quote(this);
  }

  toString(): string {
    return this.quote(this);
  }
}

/**
 * Compile renders every model before all configs are known (a model's `config(schema=...)` is only seen when
 * that model itself is rendered), so ref() first returns a token that is swapped for the final relation name
 * once every node is configured. Attribute access on a pending relation cannot wait: the model that used it is
 * rendered a second time with final relations (`onAttributeAccess`).
 */
export const TOKEN_START = '\u0001';
export const TOKEN_END = '\u0002';
export const TOKEN_PATTERN = /\u0001(\d+)\u0002/g;

export class PendingRelation {
  private readonly token: string;
  private readonly provisional: () => RelationRef;
  private readonly onAttributeAccess: () => void;

  constructor(tokenIndex: number, provisional: () => RelationRef, onAttributeAccess: () => void) {
    this.token = `${TOKEN_START}${tokenIndex}${TOKEN_END}`;
    this.provisional = provisional;
    this.onAttributeAccess = onAttributeAccess;
  }

  private attr(key: keyof RelationRef): string | undefined {
    this.onAttributeAccess();
    return this.provisional()[key];
  }

  get database(): string | undefined {
    return this.attr('database');
  }

  get schema(): string | undefined {
    return this.attr('schema');
  }

  get identifier(): string | undefined {
    return this.attr('identifier');
  }

  get name(): string | undefined {
    return this.attr('identifier');
  }

  get table(): string | undefined {
    return this.attr('identifier');
  }

  render(): string {
    return this.token;
  }

  toString(): string {
    return this.token;
  }
}
