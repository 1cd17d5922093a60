/** Writes prebuilt-macros.json (see prebuilt.ts) for the current build: run by `pnpm build` after tsc. */
import { writeFileSync } from 'node:fs';
import { buildStamp } from '../partial-parse/snapshot-file.js';
import { BUILTIN_TESTS_FILE } from '../compile/project-engine.js';
import { GLOBAL_MACRO_FILES } from './dbt/macros/index.js';
import { compileMacroFile } from './engine.js';
import { PREBUILT_MACROS_URL, prebuiltKey, type PrebuiltMacros } from './prebuilt.js';

/** The internal macro files every engine loads, compiled. */
export function prebuildMacros(): PrebuiltMacros {
  const files: PrebuiltMacros['files'] = {};
  for (const { path, contents } of [...GLOBAL_MACRO_FILES, BUILTIN_TESTS_FILE]) {
    files[prebuiltKey(path, contents)] = compileMacroFile(path, contents);
  }
  return { build: buildStamp(), files };
}

export function writePrebuiltMacros(): void {
  writeFileSync(PREBUILT_MACROS_URL, JSON.stringify(prebuildMacros()));
}
