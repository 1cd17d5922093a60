/**
 * Where the project is when `--project-dir` is not given: the nearest folder, from the current one upwards
 * to the file-system root, that holds xform_project.yml or dbt_project.yml (as dbt finds dbt_project.yml).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export const PROJECT_FILES = ['xform_project.yml', 'dbt_project.yml'] as const;

export function isProjectDir(dir: string): boolean {
  return PROJECT_FILES.some((file) => existsSync(path.join(dir, file)));
}

/** The nearest folder at or above `start` holding a project file; undefined when none up to the root. */
export function findProjectRoot(start: string = process.cwd()): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (isProjectDir(dir)) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * The project folder a command without `--project-dir` uses when it is not the current folder: a parent
 * found by walking up. Undefined when the current folder is the project, or when there is none (the
 * command then reports the current folder as not a project).
 */
export function parentProjectDir(start: string = process.cwd()): string | undefined {
  const root = findProjectRoot(start);
  return root === undefined || root === path.resolve(start) ? undefined : root;
}
