import path from 'node:path';
import type { Command } from 'commander';
import { XformError } from '@xform/core';
import { bold, dim, green } from '../output.js';
import { promptForInit } from '../init/prompts.js';
import { selfCommand, shellWord } from '../self-command.js';
import { INIT_ADAPTERS, checkAdapter, checkProjectName, projectNameFrom, scaffoldProject, type InitAdapter } from '../init/scaffold.js';
import { findCommand, runCommand } from './run.js';

interface InitOptions {
  adapter?: string;
  name?: string;
  /** `--no-build` sets it to false. Default true. */
  build: boolean;
}

export function registerInit(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('init')
    .description('create a new project (bronze/silver/gold models, seeds, tests, profiles.yml) in a new or empty folder; on DuckDB, build it at once')
    .argument('[dir]', 'the folder to create (default: the project name)')
    .option('--adapter <type>', `the warehouse: ${INIT_ADAPTERS.join(' | ')} (default: duckdb, embedded; asked in a terminal)`)
    .option('--name <name>', 'the project name (default: the folder name, with _ for other characters; asked in a terminal without a folder)')
    .option('--no-build', 'DuckDB: only write the project, do not build it')
    .action(async (dir: string | undefined, options: InitOptions) => {
      let adapter: InitAdapter | undefined = options.adapter === undefined ? undefined : checkAdapter(options.adapter);
      // A folder names the project: only what the command line leaves open is asked.
      let name = options.name !== undefined ? checkProjectName(options.name) : dir !== undefined ? projectNameFrom(path.basename(path.resolve(dir))) : undefined;
      if (process.stdin.isTTY === true && (name === undefined || adapter === undefined)) {
        ({ name, adapter } = await promptForInit({ name, adapter, defaultName: 'my_project' }));
      }
      const folder = dir ?? name;
      if (folder === undefined || name === undefined) {
        throw new XformError('XFORM_BAD_ARGUMENT', 'xform init needs a folder or --name when it cannot ask (stdin is not a terminal)', {
          hint: 'e.g. xform init my_project --adapter duckdb',
        });
      }
      adapter ??= 'duckdb';
      const { files, requiredEnv } = await scaffoldProject({ dir: folder, name, adapter });
      const root = path.resolve(folder);
      const shown = path.relative(process.cwd(), root) || '.';
      process.stdout.write(`${green('Created')} project ${bold(name)} (${adapter}) in ${shown}/ ${dim(`(${files.length} files)`)}\n`);
      for (const file of files) process.stdout.write(`  ${dim(file)}\n`);

      const xform = selfCommand();
      const cd = shown === '.' ? undefined : `cd ${shellWord(shown)}`;
      const inProject = (command: string) => (cd === undefined ? command : `${cd} && ${command}`);
      let code = 0;
      let next: string[];
      if (adapter === 'duckdb' && options.build) {
        process.stdout.write(`\n${bold('Building')} ${name} on the embedded DuckDB ${dim('(xform build; --no-build skips it)')}\n`);
        code = await runCommand(findCommand('build')!, { projectDir: root, logFormat: 'text' });
        // The run's last lines are written on the next turn of the event loop: they come before "Next".
        await new Promise((resolve) => setImmediate(resolve));
        next = [...(cd === undefined ? [] : [cd]), `${xform} build   # again after you change a model`, `${xform} docs generate && ${xform} docs serve`];
      } else if (adapter === 'duckdb') {
        next = [inProject(`${xform} build`)];
      } else {
        if (requiredEnv.length > 0) {
          process.stdout.write(`\nprofiles.yml reads the connection from the environment; set it first: export ${requiredEnv.map((v) => `${v}=...`).join(' ')}\n`);
        }
        next = [`${inProject(`${xform} debug`)}   # checks the connection`, `${xform} build`];
      }
      process.stdout.write(`\nNext:\n${next.map((l) => `  ${l}`).join('\n')}\n`);
      setExitCode(code);
    });
}
