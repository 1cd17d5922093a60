#!/usr/bin/env node
/**
 * Writes test/durations.json from the last full run's .test-output/vitest.json (`npm test` writes it): each test
 * file's wall time in seconds. vitest.config.ts starts the longest files first from it, which a fresh clone
 * (no vitest cache) would otherwise start in the order it finds them. A file not in it counts as a few seconds;
 * run this after adding or reshaping a slow test file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const report = JSON.parse(readFileSync(path.join(root, '.test-output/vitest.json'), 'utf8'));
const durations = {};
for (const file of [...report.testResults].sort((a, b) => (a.name < b.name ? -1 : 1))) {
  const seconds = (file.endTime - file.startTime) / 1000;
  durations[path.relative(root, file.name).split(path.sep).join('/')] = Math.round(seconds * 10) / 10;
}
writeFileSync(path.join(root, 'test/durations.json'), `${JSON.stringify(durations, null, 1)}\n`);
console.log(`test/durations.json: ${Object.keys(durations).length} files`);
