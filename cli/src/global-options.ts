/**
 * Flags every command takes (as dbt's global flags): logging, and warnings as errors. Added to each command
 * that runs (so its --help lists them, and they work after the command name); a hook applies them before
 * the command's action.
 */
import type { Command } from 'commander';
import { startLogging, type LogOptions } from './logging.js';
import { parentProjectDir } from './project-root.js';
import { setWarnError, type WarnErrorOptions } from './warn-error.js';

function leaves(command: Command): Command[] {
  return command.commands.length === 0 ? [command] : command.commands.flatMap(leaves);
}

function fullName(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function addFlags(command: Command): void {
  command
    .option('--warn-error', 'treat every warning as an error: the command fails (exit 1)')
    .option('--warn-error-options <yaml>', `which warnings are errors: '{"include": "all" | [codes], "exclude": [codes]}' (codes such as XFORM_APPEND_DUPLICATES, XFORM_TEST_WARN)`)
    .option('-q, --quiet', 'print only errors (and the results of ls, show and compile --inline)')
    .option('--debug', 'also print debug lines (they are always in the log file)')
    .option('--log-level <level>', 'the least important lines printed: debug | info | warn | error | none (default info)')
    .option('--log-path <dir>', 'the folder of xform.log (default: logs/ in the project)')
    .option('--log-file-max-bytes <bytes>', 'xform.log rolls over to xform.log.1 (five kept) before passing this size; 0: no limit (default 10485760, or XFORM_LOG_FILE_MAX_BYTES)');
  if (!command.options.some((o) => o.long === '--log-format')) command.option('--log-format <format>', 'text | json | debug (default text)');
}

/**
 * The flags go on every command, and on `xform` itself for dbt's habit of writing them first
 * (`xform --debug run`): those then count as if given after the command.
 */
export function addGlobalOptions(program: Command, argv: readonly string[]): void {
  for (const command of program.commands.flatMap(leaves)) addFlags(command);
  addFlags(program);
  program.enablePositionalOptions();
  program.hook('preAction', (_program, action) => {
    for (const [key, value] of Object.entries(program.opts())) {
      if (value !== undefined) action.setOptionValueWithSource(key, value, 'cli');
    }
    // Run from a sub-folder of a project, a command finds the project upwards (as dbt does); --project-dir wins.
    if (action.options.some((o) => o.long === '--project-dir') && action.getOptionValue('projectDir') === undefined) {
      const root = parentProjectDir();
      if (root !== undefined) action.setOptionValueWithSource('projectDir', root, 'implied');
    }
    const options = action.opts() as LogOptions & WarnErrorOptions;
    setWarnError(options);
    startLogging(options, argv, fullName(action));
  });
}
