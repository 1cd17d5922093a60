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

  it('yields nothing for no text', () => {
    expect([...encodedChunks([], 16)]).toEqual([]);
    expect([...encodedChunks(['', ''], 16)]).toEqual([]);
  });
});
