import { fileURLToPath } from 'node:url';
import { readGolden, renderDialectSamples } from '@xform/core';
import { describe, expect, it } from 'vitest';
import { PostgresDialect } from './postgres-dialect.js';

describe('PostgresDialect', () => {
  it('renders every statement exactly as the golden file', () => {
    const actual = renderDialectSamples(new PostgresDialect());
    const golden = fileURLToPath(new URL('./__golden__/postgres-dialect.sql', import.meta.url));
    expect(actual).toBe(readGolden(golden, actual));
  });
});
