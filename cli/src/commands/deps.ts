import path from 'node:path';
import type { Command } from 'commander';
import { installPackages } from '@xform/core';
import { bold, green, yellow } from '../output.js';

interface DepsOptions {
  projectDir?: string;
  upgrade?: boolean;
}

export function registerDeps(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('deps')
    .description('install the packages of packages.yml (or dependencies.yml) and write package-lock.yml')
    .option('--project-dir <dir>', 'the folder holding xform_project.yml or dbt_project.yml (default: the nearest one from the current folder upwards)')
    .option('--upgrade', 'resolve versions again, ignoring package-lock.yml')
    .action(async (options: DepsOptions) => {
      const root = path.resolve(options.projectDir ?? process.cwd());
      const result = await installPackages({ root, upgrade: options.upgrade === true });
      for (const warning of result.warnings) process.stdout.write(`${yellow('warning')} ${warning}\n`);
      for (const pkg of result.packages) {
        process.stdout.write(`  ${green('installed')} ${bold(pkg.name)} ${pkg.resolved} (${pkg.kind}) -> ${pkg.path}\n`);
      }
      if (result.lockFile) process.stdout.write(`${result.packages.length} package(s) installed; wrote ${result.lockFile}\n`);
      setExitCode(0);
    });
}
