import type { Command } from 'commander';
import { loadAdapter, parseMappingArg } from '@xform/core';
import { addProjectOptions, compileFromOptions, type ProjectOptions } from '../project-options.js';
import { debug } from '../logging.js';
import { traceStatements } from '../trace-sql.js';
import { green, yellow } from '../output.js';

interface RunOperationOptions extends ProjectOptions {
  args?: string;
}

export function registerRunOperation(program: Command, setExitCode: (code: number) => void): void {
  const command = program
    .command('run-operation')
    .argument('<macro>', 'the macro to call: a name, or package.name')
    .description('call a macro of the project or a package with a live connection (run_query and statement run in the warehouse)')
    .option('--args <yaml>', "the macro's keyword arguments as a YAML or JSON mapping, e.g. '{table: orders, days: 7}'");
  addProjectOptions(command).action(async (macro: string, options: RunOperationOptions) => {
    const started = performance.now();
    const args = options.args === undefined ? {} : parseMappingArg(options.args, '--args', '{table: orders, days: 7}');
    // log(..., info=True) and print() in the macro are what the operation reports, as in dbt.
    const compiled = await compileFromOptions(options, {
      log: (message, level) => {
        if (level === 'debug') debug(message);
        else process.stdout.write(level === 'warn' ? `${yellow('warning')} ${message}\n` : `${message}\n`);
      },
    });
    const { project } = compiled;
    const adapter = traceStatements(await loadAdapter(project.target, { projectRoot: project.root, threads: 1 }));
    try {
      debug(`run-operation ${macro} with ${JSON.stringify(args)} on target '${project.target.name}'`);
      await adapter.withConnection((connection) => compiled.runOperation(macro, args, { connection, adapter }));
    } finally {
      await adapter.close();
    }
    process.stdout.write(`${green('OK')} ran ${macro} in ${((performance.now() - started) / 1000).toFixed(2)}s\n`);
    setExitCode(0);
  });
}
