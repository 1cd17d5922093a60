/**
 * The per-project key of the partial-parse caches. They must notice when an environment variable that a
 * compile read changes, without storing its value (it may be a password): they store HMAC-SHA256 of the
 * value under a random key kept beside them in `target/partial_parse.key`, readable by its owner only. A
 * plain sha256 would let anyone who reads target/ test guesses, or look the value up in a precomputed table.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomicSync } from '../fs-write.js';

export const ENV_KEY_FILE = 'partial_parse.key';
const KEY = /^[0-9a-f]{64}$/;

/** The key in `targetDir`, or undefined when there is none (then no cached env hash can be checked). */
export function readEnvKey(targetDir: string): string | undefined {
  try {
    const text = readFileSync(path.join(targetDir, ENV_KEY_FILE), 'utf8').trim();
    return KEY.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

/** The key in `targetDir`, created (mode 0600) when missing. */
export function envKey(targetDir: string): string {
  const existing = readEnvKey(targetDir);
  if (existing) return existing;
  const key = randomBytes(32).toString('hex');
  writeFileAtomicSync(path.join(targetDir, ENV_KEY_FILE), `${key}\n`, 'the partial-parse key', { mode: 0o600 });
  return key;
}

/** What the caches store for an environment variable's value: its HMAC under `key`; null when unset. */
export function hashEnvValue(key: string, value: string | undefined): string | null {
  return value === undefined ? null : createHmac('sha256', key).update(value).digest('hex');
}
