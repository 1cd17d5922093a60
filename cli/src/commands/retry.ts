/**
 * `xform retry`: runs the command recorded in the previous run_results.json again (same flags, target and
 * vars; the profile read afresh) on the nodes that did not succeed, as dbt's `dbt retry`.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { continueRunResults, planRetry, projectTargetDir, readPreviousRun, RETRYABLE_STATUSES, XformError, type RetryPlan } from '@xform/core';
import { replayOptions } from '../run-args.js';
import { yellow } from '../output.js';
import type { LogFormat } from '../run-printer.js';
import { findCommand, runCommand, type RunOptions } from './run.js';

interface RetryOptions {
  projectDir?: string;
  profilesDir?: string;
  state?: string;
  vars?: string;
  threads?: string;
  wait?: string | boolean;
  logFormat: LogFormat;
}

const RETRIED_COMMANDS = ['run', 'build', 'seed', 'test', 'snapshot'];

export function registerRetry(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('retry')
    .description('run the previous run, build, seed, test or snapshot again, on the nodes that failed or were skipped')
    .option('--project-dir <dir>', 'the folder holding xform_project.yml or dbt_project.yml (default: the nearest one from the current folder upwards)')
    .option('--profiles-dir <dir>', 'the folder holding profiles.yml (default: project folder, $XFORM_PROFILES_DIR, ~/.xform, $DBT_PROFILES_DIR, ~/.dbt)')
    .option('--state <dir>', "the folder holding the run_results.json of the run to retry (default: the project's target folder)")
    .option('--vars <yaml>', 'variables for var(), instead of those the retried run was given')
    .option('--threads <n>', 'how many nodes to run at once (default: as the retried run)')
    .option('--wait [seconds]', 'when another build holds the target, wait for it (at most <seconds>) instead of refusing')
    .option('--log-format <format>', 'text | json (one JSON object per event)', 'text')
    .action(async (options: RetryOptions) => {
      setExitCode(await retry(options));
    });
}

async function retry(options: RetryOptions): Promise<number> {
  const stateDir = options.state !== undefined ? path.resolve(options.state) : await projectTargetDir(options.projectDir ?? '.');
  const previous = await readPreviousRun(stateDir);
  const which = String(previous.args.which);
  const shown = path.relative(process.cwd(), previous.file) || previous.file;
  const spec = RETRIED_COMMANDS.includes(which) ? findCommand(which) : undefined;
  if (spec === undefined) {
    throw new XformError('XFORM_RETRY_UNSUPPORTED', `${shown} records an 'xform ${which}', which retry cannot run again`, {
      location: { file: shown },
      hint: `retry runs again ${RETRIED_COMMANDS.filter((c) => findCommand(c) !== undefined).join(', ')}`,
    });
  }
  // With --log-format json, stdout carries only the run's JSON events.
  const say = (text: string) => (options.logFormat === 'json' ? process.stderr : process.stdout).write(text);
  if (!previous.results.some((r) => RETRYABLE_STATUSES.has(r.status))) {
    say(`nothing to retry: no node of the previous 'xform ${which}' (${shown}) failed or was skipped\n`);
    return 0;
  }
  const replayed = replayOptions(previous.args, { vars: options.vars, threads: options.threads }, shown);
  const runOptions = {
    ...replayed,
    projectDir: options.projectDir,
    profilesDir: options.profilesDir,
    wait: options.wait,
    logFormat: options.logFormat,
  } as RunOptions;
  let plan: RetryPlan | undefined;
  return runCommand(spec, runOptions, {
    select(compiled, kinds) {
      const { graph } = compiled;
      const disabled = graph.disabledIds();
      plan = planRetry(
        previous,
        (id) => {
          const node = graph.node(id);
          return node === undefined || disabled.has(id) ? undefined : { resourceType: node.resource_type, parents: graph.parents(id) };
        },
        (type) => (kinds as readonly string[]).includes(type),
      );
      if (plan.removed.length > 0) {
        process.stderr.write(`${yellow('warning')} not in the project any more, not retried: ${plan.removed.join(', ')}\n`);
      }
      if (plan.selected.size === 0) {
        say(`nothing to retry: the nodes of the previous 'xform ${which}' that failed or were skipped are gone\n`);
        return undefined;
      }
      const batches = plan.batches.size > 0 ? ` (${[...plan.batches.values()].reduce((n, b) => n + b.length, 0)} failed batch(es) of ${plan.batches.size} microbatch model(s))` : '';
      process.stderr.write(`retrying ${plan.selected.size} node(s) of the previous 'xform ${which}' (${shown})${batches}\n`);
      return { selected: plan.selected, batches: plan.batches };
    },
    finish: (file) => continueRunResults(previous, file, plan!),
  });
}
