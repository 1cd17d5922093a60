import type { Command } from 'commander';
import { loadAdapter } from '@xform/core';
import { addProjectOptions, loadProjectFromOptions, type ProjectOptions } from '../project-options.js';
import { bold, green, red } from '../output.js';
import { XFORM_VERSION } from '../version.js';

export function registerDebug(program: Command, setExitCode: (code: number) => void): void {
  const command = program.command('debug').description('check the project, the profile and the warehouse connection');
  addProjectOptions(command).action(async (options: ProjectOptions) => {
    const say = (label: string, value: string) => process.stdout.write(`  ${label.padEnd(14)} ${value}\n`);
    process.stdout.write(`${bold('xform')} ${XFORM_VERSION}\n`);
    const project = await loadProjectFromOptions(options);
    say('project', `${project.config.name} (${project.root})`);
    say('profiles.yml', project.profilesFile ?? 'none found: using the embedded DuckDB default');
    say('target', `${project.target.name} (${project.target.type}), schema ${project.target.schema}, ${project.target.threads} threads`);
    const adapter = await loadAdapter(project.target, { projectRoot: project.root, threads: 1 });
    try {
      const facts = await adapter.describe();
      for (const [key, value] of Object.entries(facts)) say(key, value);
      await adapter.withConnection((c) => c.execute('select 1 as ok', { label: 'debug' }));
      process.stdout.write(`${green('Connection OK')}\n`);
      setExitCode(0);
    } catch (err) {
      process.stdout.write(`${red('Connection failed')}\n`);
      throw err;
    } finally {
      await adapter.close();
    }
  });
}
