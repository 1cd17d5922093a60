import type { Command } from 'commander';
import { registerClean } from './clean.js';
import { registerClone } from './clone.js';
import { registerCompile } from './compile.js';
import { registerDebug } from './debug.js';
import { registerDeps } from './deps.js';
import { registerInit } from './init.js';
import { registerDocs } from './docs.js';
import { registerLs } from './ls.js';
import { registerParse } from './parse.js';
import { registerRetry } from './retry.js';
import { registerRun } from './run.js';
import { registerRunOperation } from './run-operation.js';
import { registerShow } from './show.js';
import { registerSource } from './source.js';

/** Each command lives in its own file and registers itself here. `setExitCode` reports the command's outcome. */
export function registerCommands(program: Command, setExitCode: (code: number) => void): void {
  registerInit(program, setExitCode);
  registerCompile(program, setExitCode);
  registerLs(program, setExitCode);
  registerRun(program, setExitCode);
  registerRetry(program, setExitCode);
  registerDebug(program, setExitCode);
  registerDeps(program, setExitCode);
  registerSource(program, setExitCode);
  registerDocs(program, setExitCode);
  registerClean(program, setExitCode);
  registerShow(program, setExitCode);
  registerRunOperation(program, setExitCode);
  registerParse(program, setExitCode);
  registerClone(program, setExitCode);
}
