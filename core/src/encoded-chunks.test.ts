import { describe, expect, it } from 'vitest';
import { encodedChunks } from './fs-write.js';

describe('encodedChunks', () => {
  it('yields the UTF-8 of the texts in order, a reused buffer at a time, and a text longer than it whole', () => {
    const texts = ['{"a":', 'é'.repeat(7), '"🦆"', '', 'x'.repeat(40), ',', '日本語'.repeat(3), 'y'.repeat(5)];
    const chunks: Buffer[] = [];
    for (const chunk of encodedChunks(texts, 32)) {
      // Copied at once: the next chunk may overwrite this one's bytes.
      chunks.push(Buffer.from(chunk));
      if (chunk.byteLength > 32) expect(chunk.byteLength).toBe(40);
    }
    expect(Buffer.concat(chunks).toString('utf8')).toBe(texts.join(''));
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((c) => c.length > 0)).toBe(true);
  });

  it('copies bytes given as they are, and yields bytes longer than the buffer on their own', () => {
    const items: (string | Uint8Array)[] = ['ab', Buffer.from('é€'), 'c'.repeat(20), Buffer.from('z'.repeat(50)), Buffer.from('q'.repeat(10)), 'end'];
    const chunks: Buffer[] = [];
    for (const chunk of encodedChunks(items, 32)) chunks.push(Buffer.from(chunk));
    expect(Buffer.concat(chunks).toString('utf8')).toBe(`abé€${'c'.repeat(20)}${'z'.repeat(50)}${'q'.repeat(10)}end`);
    expect(chunks.map((c) => c.length)).toContain(50);
    expect(chunks.every((c) => c.length <= 32 || c.length === 50)).toBe(true);
  });

  it('yields nothing for no text', () => {
    expect([...encodedChunks([], 16)]).toEqual([]);
    expect([...encodedChunks(['', ''], 16)]).toEqual([]);
  });
});
