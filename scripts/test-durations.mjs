#!/usr/bin/env node
/**
 * Writes test/durations.json from vitest's record of the last run (node_modules/.vite/vitest/<hash>/results.json,
 * which `npm test` leaves): each test file's time in seconds, its hooks included (the JSON report's per-file
 * times leave out beforeAll: a docs test that builds 10,000 models first shows 1.4 s of its 12). vitest.config.ts
 * starts the longest files first from it, which a fresh clone (no vitest cache) would otherwise start in the
 * order it finds them. A file not in it counts as a few seconds: run this after adding or reshaping a slow file
 * (after a full run, or a run of just that file: the other files keep their times).
 */
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = path.join(root, 'node_modules/.vite/vitest');
const records = (existsSync(cacheDir) ? readdirSync(cacheDir) : [])
  .map((dir) => path.join(cacheDir, dir, 'results.json'))
  .filter((file) => statSync(file, { throwIfNoEntry: false })?.isFile())
  .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
if (records.length === 0) {
  console.error(`test-durations: no vitest results under ${path.relative(root, cacheDir)}/: run the tests first (npm test)`);
  process.exit(1);
}
const { results } = JSON.parse(readFileSync(records[0], 'utf8'));
// A run of some files updates those; the others keep their times.
const table = path.join(root, 'test/durations.json');
const durations = existsSync(table) ? JSON.parse(readFileSync(table, 'utf8')) : {};
for (const [key, { duration }] of results) {
  // `<project>:<path>`
  durations[key.slice(key.indexOf(':') + 1)] = Math.round(duration / 100) / 10;
}
const sorted = Object.fromEntries(Object.entries(durations).sort(([a], [b]) => (a < b ? -1 : 1)));
writeFileSync(table, `${JSON.stringify(sorted, null, 1)}\n`);
console.log(`test/durations.json: ${results.length} of ${Object.keys(sorted).length} files updated, from ${path.relative(root, records[0])}`);
