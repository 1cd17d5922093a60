import path from 'node:path';
import type { Command } from 'commander';
import { XformError } from '@xform/core';
import { bold, dim, green } from '../output.js';
import { promptForInit } from '../init/prompts.js';
import { selfCommand, shellWord } from '../self-command.js';
import { INIT_ADAPTERS, checkAdapter, checkProjectName, projectNameFrom, scaffoldProject, type InitAdapter } from '../init/scaffold.js';

interface InitOptions {
  adapter?: string;
  name?: string;
}

export function registerInit(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('init')
    .description('create a new project (bronze/silver/gold models, seeds, tests, profiles.yml) in a new or empty folder')
    .argument('[dir]', 'the folder to create (default: the project name)')
    .option('--adapter <type>', `the warehouse: ${INIT_ADAPTERS.join(' | ')} (default: duckdb, embedded)`)
    .option('--name <name>', 'the project name (default: the folder name, with _ for other characters)')
    .action(async (dir: string | undefined, options: InitOptions) => {
      let adapter: InitAdapter | undefined = options.adapter === undefined ? undefined : checkAdapter(options.adapter);
      let name = options.name === undefined ? undefined : checkProjectName(options.name);
      if (process.stdin.isTTY === true && (name === undefined || adapter === undefined)) {
        const answers = await promptForInit({ name, adapter, defaultName: projectNameFrom(path.basename(path.resolve(dir ?? 'my_project'))) });
        ({ name, adapter } = answers);
      }
      const folder = dir ?? name;
      if (folder === undefined) {
        throw new XformError('XFORM_BAD_ARGUMENT', 'xform init needs a folder or --name when it cannot ask (stdin is not a terminal)', {
          hint: 'e.g. xform init my_project --adapter duckdb',
        });
      }
      name ??= projectNameFrom(path.basename(path.resolve(folder)));
      adapter ??= 'duckdb';
      const { files, requiredEnv } = await scaffoldProject({ dir: folder, name, adapter });
      const shown = path.relative(process.cwd(), path.resolve(folder)) || '.';
      process.stdout.write(`${green('Created')} project ${bold(name)} (${adapter}) in ${shown}/ ${dim(`(${files.length} files)`)}\n`);
      for (const file of files) process.stdout.write(`  ${dim(file)}\n`);
      const exports = requiredEnv.length === 0 ? [] : [`export ${requiredEnv.map((v) => `${v}=...`).join(' ')}   # read by profiles.yml`];
      const next = [`cd ${shellWord(shown)}`, ...exports, `${selfCommand()} build`];
      process.stdout.write(`\nNext:\n${next.map((l) => `  ${l}`).join('\n')}\n`);
      setExitCode(0);
    });
}
