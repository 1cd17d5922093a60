import path from 'node:path';
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import {
  executeRun,
  loadAdapter,
  writeCompileArtifacts,
  writeRunResults,
  XFORM_CORE_VERSION,
  XformError,
  isoUtc,
  parseEventTime,
  didYouMeanHint,
  isXformError,
  type Adapter,
  type CompiledProject,
  type Manifest,
  type LoadedProject,
  type ResourceType,
  type RunLock,
  type RunResultsFile,
} from '@xform/core';
import { addProjectOptions, addSelectionOptions, compileFromOptions, parseThreads, partialParseCaches, type ProjectOptions, type SelectionOptions } from '../project-options.js';
import { RunPrinter, type LogFormat } from '../run-printer.js';
import { resourceCounts, targetSummary } from '../run-header.js';
import { red, yellow } from '../output.js';
import { recordArgs } from '../run-args.js';
import { selectFromOptions } from '../selection.js';
import { traceStatements } from '../trace-sql.js';
import { isWarnError, NOTHING_SELECTED, TEST_WARN } from '../warn-error.js';
import { addDeferOptions, deferIfAsked, stateFromOptions, stateSelectionOf, type StateOptions } from '../state-options.js';

export interface RunOptions extends ProjectOptions, SelectionOptions, StateOptions {
  fullRefresh?: boolean;
  threads?: string;
  failFast?: boolean;
  storeFailures?: boolean;
  indirectSelection?: string;
  logFormat: LogFormat;
  wait?: string | boolean;
  eventTimeStart?: string;
  eventTimeEnd?: string;
  empty?: boolean;
}

export interface CommandSpec {
  name: string;
  description: string;
  kinds: ResourceType[];
  /** Builds relations (it takes the target's run lock). */
  builds: boolean;
  /** --full-refresh applies (not to snapshots alone: their history cannot be rebuilt, as in dbt). */
  fullRefresh: boolean;
  /** Runs tests (--store-failures, --indirect-selection apply). */
  tests: boolean;
  /** Write-audit-publish: tests run against staging relations before publishing. */
  audit: boolean;
}

const COMMANDS: CommandSpec[] = [
  { name: 'run', description: 'build the selected models in the warehouse, in DAG order', kinds: ['model'], builds: true, fullRefresh: true, tests: false, audit: false },
  { name: 'seed', description: 'load the CSV seeds into the warehouse', kinds: ['seed'], builds: true, fullRefresh: true, tests: false, audit: false },
  {
    name: 'test',
    description: "run the selected data tests (and unit tests); selecting a model selects its tests",
    kinds: ['test', 'unit_test'],
    builds: false,
    fullRefresh: false,
    tests: true,
    audit: false,
  },
  {
    name: 'build',
    description: 'load seeds, build models and snapshots, and test each one before publishing it (write-audit-publish), in DAG order',
    kinds: ['seed', 'model', 'test', 'unit_test', 'snapshot'],
    builds: true,
    fullRefresh: true,
    tests: true,
    audit: true,
  },
  {
    name: 'snapshot',
    description: 'run the selected snapshots in DAG order: record how the rows they read change, as SCD type 2 history',
    kinds: ['snapshot'],
    builds: true,
    fullRefresh: false,
    tests: false,
    audit: false,
  },
];

/** The run-like command named `name` (`run`, `build`...), for `xform retry`. */
export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** How `xform retry` narrows the command it replays (see retry.ts). */
export interface Narrowing {
  /** The nodes (and microbatch batches) to run instead of the selection flags'; undefined: nothing to run. */
  select(compiled: CompiledProject, kinds: readonly ResourceType[]): { selected: Set<string>; batches: ReadonlyMap<string, [string, string][]> } | undefined;
  /** Completes the run results before they are written. */
  finish(file: RunResultsFile): RunResultsFile;
}

const INDIRECT_SELECTION = ['eager', 'cautious', 'empty'] as const;

function parseIndirectSelection(text: string | undefined): (typeof INDIRECT_SELECTION)[number] | undefined {
  if (text === undefined) return undefined;
  if ((INDIRECT_SELECTION as readonly string[]).includes(text)) return text as (typeof INDIRECT_SELECTION)[number];
  throw new XformError('XFORM_BAD_ARGUMENT', `--indirect-selection expects one of ${INDIRECT_SELECTION.join(', ')}, got '${text}'`, {
    hint: didYouMeanHint(text, INDIRECT_SELECTION),
  });
}


export function registerRun(program: Command, setExitCode: (code: number) => void): void {
  for (const spec of COMMANDS) {
    const command = program.command(spec.name).description(spec.description);
    if (spec.fullRefresh) command.option('--full-refresh', 'rebuild incremental models and reload seeds from scratch');
    if (spec.kinds.includes('model')) {
      command
        .option('--event-time-start <time>', 'microbatch models: process batches from this date or UTC datetime (2026-01-10, 2026-01-10T06:00:00Z)')
        .option('--event-time-end <time>', 'microbatch models: process batches up to this date or UTC datetime, exclusive (default: now)');
    }
    if (spec.name === 'run' || spec.name === 'build') command.option('--empty', 'build models with no rows: refs and sources read as empty relations (checks SQL and columns cheaply)');
    if (spec.tests) {
      command
        .option('--store-failures', 'keep the failing rows of every failing test in <schema>_audit.<test name> (appended per run)')
        .option('--indirect-selection <mode>', "how tests follow the selected nodes: eager (a parent selected), cautious (all parents), empty", 'eager');
    }
    command
      .option('--wait [seconds]', 'when another build holds the target, wait for it (at most <seconds>; default as long as it takes) instead of refusing')
      .option('--threads <n>', 'how many nodes to run at once (default: the profile\'s threads, else 4)')
      .option('-x, --fail-fast', 'stop starting new nodes after the first failure')
      .option('--log-format <format>', 'text | json (one JSON object per event) | debug (with times and levels)', 'text');
    addDeferOptions(addSelectionOptions(addProjectOptions(command))).action(async (options: RunOptions) => {
      setExitCode(await runCommand(spec, options));
    });
  }
}

/** --event-time-start/--event-time-end: dates or datetimes (UTC unless an offset is given), start before end. */
function parseEventTimeRange(startText: string | undefined, endText: string | undefined): { start?: Date; end?: Date } {
  const parse = (flag: string, text: string | undefined): Date | undefined => {
    if (text === undefined) return undefined;
    const value = parseEventTime(text);
    if (value) return value;
    throw new XformError('XFORM_BAD_ARGUMENT', `${flag} expects an ISO date or datetime (2026-01-10 or 2026-01-10T06:00:00Z), got '${text}'`);
  };
  const start = parse('--event-time-start', startText);
  const end = parse('--event-time-end', endText);
  if (start && start.getTime() >= (end ?? new Date()).getTime()) {
    const until = end ? `--event-time-end (${isoUtc(end)})` : `now (${isoUtc(new Date())}), the default end`;
    throw new XformError('XFORM_BAD_ARGUMENT', `--event-time-start (${isoUtc(start)}) must be before ${until}`);
  }
  return { ...(start ? { start } : {}), ...(end ? { end } : {}) };
}

/** `--wait` alone waits as long as it takes; `--wait 30` at most 30 seconds; no flag refuses at once. */
function parseWait(value: string | boolean | undefined): number {
  if (value === undefined || value === false) return 0;
  if (value === true) return Infinity;
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    throw new XformError('XFORM_BAD_ARGUMENT', `--wait expects a number of seconds (or nothing, to wait as long as it takes), got '${value}'`);
  }
  return seconds;
}

export async function runCommand(spec: CommandSpec, options: RunOptions, narrowing?: Narrowing): Promise<number> {
  const which = spec.name;
  const started = performance.now();
  const threads = parseThreads(options.threads);
  const waitSeconds = parseWait(options.wait);
  const indirectSelection = parseIndirectSelection(options.indirectSelection);
  const eventTime = parseEventTimeRange(options.eventTimeStart, options.eventTimeEnd);
  const caches = partialParseCaches();
  const abort = new AbortController();
  const waitFor = (targetName: string) => ({ waitSeconds, signal: abort.signal, onWait: (holder: string) => printWaiting(targetName, holder) });
  // The warehouse connection opens while the project compiles (unless it may have to wait for another
  // build: waiting, and Ctrl-C while waiting, start once the project compiled, as always). A compile error
  // closes it unused, and its own error (a wrong password, a target held by another build) is reported only
  // once the project compiled.
  let opening: Promise<Adapter> | undefined;
  const open = (target: LoadedProject['target'], root: string) =>
    loadAdapter(target, { projectRoot: root, threads: threads ?? target.threads, fileLock: waitFor(target.name) }).then(traceStatements);
  const closeUnused = () => opening?.then((a) => a.close(), () => undefined);
  let compiled: CompiledProject;
  let narrowed: ReturnType<Narrowing['select']>;
  let state: Awaited<ReturnType<typeof stateFromOptions>>;
  let selected: ReadonlySet<string>;
  try {
    compiled = await compileFromOptions(options, {
      ...caches.extras,
      empty: options.empty === true,
      onLoaded: (loaded) => {
        if (narrowing === undefined && waitSeconds === 0 && opensQuietly(loaded)) {
          opening = open(loaded.target, loaded.root);
          // Observed below; until then a failure must not count as unhandled.
          opening.catch(() => undefined);
        }
      },
    });
    narrowed = narrowing?.select(compiled, spec.kinds);
    if (narrowing !== undefined && narrowed === undefined) {
      await closeUnused();
      return 0;
    }
    state = await stateFromOptions(options, compiled);
    selected = narrowed?.selected ?? selectFromOptions(compiled, options, { resourceTypes: spec.kinds, indirectSelection, ...stateSelectionOf(state, compiled) });
  } catch (err) {
    // A compile error, a bad selector or --state folder: the early connection is closed unused.
    await closeUnused();
    throw err;
  }
  const { project } = compiled;
  let { manifest } = compiled;
  const targetDir = path.resolve(project.root, project.config.targetPath);
  const printer = new RunPrinter(manifest, options.logFormat === 'json' ? 'json' : 'text');
  const poolSize = threads ?? project.target.threads;
  let adapter: Adapter | undefined;
  const onSigint = () => {
    if (abort.signal.aborted) return;
    process.stderr.write(`\n${yellow('cancelling')}: stopping running queries; nothing half-built is published\n`);
    abort.abort();
    void adapter?.cancelAll();
  };
  process.on('SIGINT', onSigint);
  const wait = waitFor(project.target.name);
  let lock: RunLock | undefined;
  try {
    adapter = await (opening ?? open(project.target, project.root));
    // Commands that create relations hold the target's run lock for the whole run, hooks included.
    if (writes(spec, options, manifest, selected) && adapter.acquireRunLock) {
      lock = await adapter.acquireRunLock({ ...wait, invocationId: manifest.metadata.invocation_id });
    }
    compiled = await deferIfAsked(options, state, compiled, selected, adapter);
    manifest = compiled.manifest;
  } catch (err) {
    process.off('SIGINT', onSigint);
    await lock?.release();
    await adapter?.close();
    if (abort.signal.aborted && isXformError(err) && err.code === 'XFORM_CANCELLED') return 130;
    throw err;
  }
  try {
    // Written under the lock: a build refused for another one leaves that one's artifacts alone.
    await caches.save(project, await writeCompileArtifacts(targetDir, manifest, { previous: caches.previouslyWritten() }));
    printer.start(resourceCounts(manifest), targetSummary(project.target, poolSize));
    const { results } = await executeRun({
      compiled,
      adapter,
      selected,
      threads: poolSize,
      fullRefresh: options.fullRefresh === true,
      failFast: options.failFast === true,
      audit: spec.audit,
      storeFailures: options.storeFailures === true,
      warnError: isWarnError(TEST_WARN),
      runLockHeld: lock !== undefined,
      eventTimeStart: eventTime.start,
      eventTimeEnd: eventTime.end,
      signal: abort.signal,
      onEvent: (e) => printer.event(e),
      targetDir,
      batches: narrowed?.batches,
    });
    const elapsed = (performance.now() - started) / 1000;
    await writeRunResults(targetDir, results, {
      invocationId: manifest.metadata.invocation_id,
      generatedAt: new Date(),
      elapsed,
      args: {
        ...recordArgs(which, options, { threads: poolSize, target: project.target.name }),
        ...(eventTime.start ? { event_time_start: isoUtc(eventTime.start) } : {}),
        ...(eventTime.end ? { event_time_end: isoUtc(eventTime.end) } : {}),
        // As dbt records them, so that a retry of this run compares and defers the same way.
        ...(options.state === undefined ? {} : { state: options.state, defer: options.defer === true, favor_state: options.favorState === true }),
      },
      xformVersion: XFORM_CORE_VERSION,
    }, narrowing?.finish);
    const nothing = results.length === 0 && isWarnError(NOTHING_SELECTED);
    if (results.length === 0) process.stderr.write(`${nothing ? red('error') : yellow('warning')} nothing to ${which}: no nodes match the selection\n`);
    printer.summary(results, elapsed, { cancelled: abort.signal.aborted });
    if (nothing) return 1;
    if (abort.signal.aborted) return 130;
    return results.some((r) => r.status === 'error' || r.status === 'fail' || r.status === 'partial success') ? 1 : 0;
  } finally {
    printer.close();
    process.off('SIGINT', onSigint);
    await lock?.release();
    await adapter.close();
  }
}

/** Whether the command creates relations: builds, or tests that keep their failing rows. */
function writes(spec: CommandSpec, options: RunOptions, manifest: Manifest, selected: ReadonlySet<string>): boolean {
  if (spec.builds) return true;
  if (!spec.tests) return false;
  return options.storeFailures === true || [...selected].some((id) => manifest.nodes[id]?.config.store_failures === true);
}

function printWaiting(target: string, holder: string): void {
  process.stderr.write(`${yellow('waiting')} for another xform build to release target ${target}, held ${holder}\n`);
}

/**
 * Whether opening the target before the project compiled leaves no trace when the compile fails: not for a
 * DuckDB file that does not exist yet (opening creates it).
 */
function opensQuietly(project: LoadedProject): boolean {
  const { target } = project;
  if (target.type !== 'duckdb') return true;
  const file = typeof target.path === 'string' ? target.path : '';
  if (file === '' || file.startsWith(':memory:') || file.startsWith('md:')) return true;
  return existsSync(path.resolve(project.root, file));
}
