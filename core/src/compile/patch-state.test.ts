import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutableNode } from '../graph/types.js';
import { PATCH_NODES_FILE, readPatchRecord, tokensJson, Utf8Store, writePatchNodes, type PatchDraftModel, type PatchState } from './patch-state.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A draft of `sizes.length` models whose raw SQL is about that many bytes (some of it not ASCII). */
function draftOf(sizes: number[]): { macros: { path: string; absPath: string; rootDir: string }[]; models: PatchDraftModel[] } {
  // Small chunks: records' nodes come from several of them, one larger than a chunk.
  const store = new Utf8Store(700);
  return {
    macros: [{ path: 'macros/m.sql', absPath: '/p/macros/m.sql', rootDir: '/p' }],
    models: sizes.map((size, i) => {
      const node = { unique_id: `model.p.m${i}`, name: `m${i}`, raw_code: `select 'é${'x'.repeat(size)}' as v` } as unknown as ExecutableNode;
      return { file: `/p/models/m${i}.sql`, model: { id: node.unique_id, shape: '[]', tokens: tokensJson([[`this:${node.unique_id}`, `"main"."m${i}"`]]), sources: {} }, node: store.add(JSON.stringify(node)) };
    }),
  };
}

describe('the patch nodes file', () => {
  it.each([
    ['a buffer that holds them all', 1 << 20],
    ['records across buffer ends, and records longer than the buffer', 300],
  ])('reads back every model record as drafted, with %s', (_, bufferBytes) => {
    const target = mkdtempSync(path.join(tmpdir(), 'xform-patch-state-'));
    dirs.push(target);
    const sizes = [0, 10, 250, 299, 300, 1000, 5, 2000, 40];
    const draft = draftOf(sizes);
    const written = writePatchNodes(target, draft, bufferBytes);
    const state = { index: written.index } as PatchState;
    for (const [i, drafted] of draft.models.entries()) {
      const record = readPatchRecord(target, state, drafted.file);
      expect(record, drafted.file).toEqual({ ...drafted.model, tokens: JSON.parse(drafted.model.tokens), node: JSON.parse(Buffer.from(drafted.node).toString('utf8')) });
      expect(record!.node.raw_code).toContain(`é${'x'.repeat(sizes[i]!)}'`);
    }
    // Nothing but the records, one after the other.
    const bytes = readFileSync(path.join(target, PATCH_NODES_FILE));
    const lengths = written.index.trim().split('\n').map((line) => Number(line.split('\t')[2]));
    expect(lengths.reduce((a, b) => a + b, 0)).toBe(bytes.length);
    expect(written.macros).toEqual(draft.macros);
  });
});

describe('tokensJson', () => {
  it('is the JSON of the object of its entries, a key given twice written once with its first value', () => {
    const entries: [string, string][] = [
      ['this:model.p.a', '"main"."a"'],
      ['ref::b', '"main"."b \\ \u00e9"'],
      ['ref::b', '"main"."other"'],
      ['ref:pkg:c', '__xform_eph__c'],
    ];
    const json = tokensJson(entries);
    expect(JSON.parse(json)).toEqual({ 'this:model.p.a': '"main"."a"', 'ref::b': '"main"."b \\ \u00e9"', 'ref:pkg:c': '__xform_eph__c' });
    expect(json).toBe(JSON.stringify(JSON.parse(json)));
    expect(tokensJson([])).toBe('{}');
  });
});

describe('Utf8Store', () => {
  it('keeps each text as its UTF-8 bytes, across chunks and in one larger than a chunk', () => {
    const store = new Utf8Store(16);
    const texts = ['abc', 'é€😀', 'x'.repeat(15), '', 'y'.repeat(40), 'tail'];
    const views = texts.map((t) => store.add(t));
    views.forEach((view, i) => expect(Buffer.from(view).toString('utf8')).toBe(texts[i]));
    expect(views[1]!.byteLength).toBe(Buffer.byteLength(texts[1]!));
  });
});
