import { fileURLToPath } from 'node:url';
import { readGolden, renderDialectSamples } from '@xform/core';
import { describe, expect, it } from 'vitest';
import { DuckDBDialect } from './duckdb-dialect.js';

describe('DuckDBDialect', () => {
  it('renders every statement exactly as the golden file', () => {
    const actual = renderDialectSamples(new DuckDBDialect());
    const golden = fileURLToPath(new URL('./__golden__/duckdb-dialect.sql', import.meta.url));
    expect(actual).toBe(readGolden(golden, actual));
  });
});
