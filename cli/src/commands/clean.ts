import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { DBT_PROJECT_FILE, DiagnosticBag, parseProjectConfig, PROJECT_FILE, XformError, type ProjectConfig } from '@xform/core';
import { dim, green } from '../output.js';

interface CleanOptions {
  projectDir?: string;
  /** false with --no-clean-project-files-only; default (undefined) refuses paths outside the project. */
  cleanProjectFilesOnly?: boolean;
}

export function registerClean(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('clean')
    .description('delete the folders listed in clean-targets of the project file (default: the target path and dbt_packages/)')
    .option('--project-dir <dir>', 'the folder holding xform_project.yml or dbt_project.yml (default: the nearest one from the current folder upwards)')
    .option('--clean-project-files-only', 'refuse clean-targets outside the project folder (the default)')
    .option('--no-clean-project-files-only', 'also delete clean-targets outside the project folder')
    .action(async (options: CleanOptions) => {
      const root = path.resolve(options.projectDir ?? '.');
      const config = readConfig(root);
      const targets = config.cleanTargets ?? [config.targetPath];
      // Refused before anything is deleted: a typo in one target deletes nothing.
      const resolved = targets.map((target) => checkTarget(root, target, config, options.cleanProjectFilesOnly !== false));
      for (const [i, dir] of resolved.entries()) {
        const shown = targets[i]!;
        if (!existsSync(dir)) {
          process.stdout.write(`  ${dim(`${shown}/ does not exist`)}\n`);
          continue;
        }
        await rm(dir, { recursive: true, force: true });
        process.stdout.write(`  ${green('cleaned')} ${shown}/\n`);
      }
      process.stdout.write(`Finished cleaning ${targets.length} path${targets.length === 1 ? '' : 's'}\n`);
      setExitCode(0);
    });
}

function readConfig(root: string): ProjectConfig {
  for (const name of [PROJECT_FILE, DBT_PROJECT_FILE]) {
    const file = path.join(root, name);
    if (!existsSync(file)) continue;
    const bag = new DiagnosticBag();
    const config = parseProjectConfig(readFileSync(file, 'utf8'), bag, name);
    bag.throwIfErrors('XFORM_PROJECT_INVALID', `${name} is not valid`);
    return config!;
  }
  throw new XformError('XFORM_PROJECT_NOT_FOUND', `no ${PROJECT_FILE} (or ${DBT_PROJECT_FILE}) in ${root}`, {
    location: { file: root },
    hint: "run xform clean in a project folder or a folder inside one (or pass --project-dir)",
  });
}

/** dbt's rules: never the project itself or a folder holding its sources; outside the project only when asked. */
function checkTarget(root: string, target: string, config: ProjectConfig, projectFilesOnly: boolean): string {
  const dir = path.resolve(root, target);
  const rel = path.relative(root, dir);
  const where = { file: config.file };
  if (rel === '') throw new XformError('XFORM_CLEAN_REFUSED', `clean-targets lists '${target}', the project folder itself; nothing was deleted`, { location: where, hint: "list the folders xform writes, e.g. clean-targets: ['target', 'dbt_packages']" });
  const protectedPaths = [...config.modelPaths, ...config.seedPaths, ...config.testPaths, ...config.macroPaths, ...config.snapshotPaths, ...(config.analysisPaths ?? [])];
  const hit = protectedPaths.find((p) => {
    const r = path.relative(dir, path.resolve(root, p));
    return r === '' || (!r.startsWith('..') && !path.isAbsolute(r));
  });
  if (hit !== undefined) {
    throw new XformError('XFORM_CLEAN_REFUSED', `clean-targets lists '${target}', which holds the project's sources ('${hit}'); nothing was deleted`, { location: where, hint: 'clean-targets is for build output such as target/ and dbt_packages/' });
  }
  if (projectFilesOnly && (rel.startsWith('..') || path.isAbsolute(rel))) {
    throw new XformError('XFORM_CLEAN_REFUSED', `clean-targets lists '${target}', which is outside the project folder ${root}; nothing was deleted`, {
      location: where,
      hint: 'pass --no-clean-project-files-only to delete it anyway',
    });
  }
  return dir;
}
