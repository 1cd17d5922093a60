/** Progress lines and the summary of a run, for people (text) or machines (--log-format json). */
import type { ExecutableNode, Manifest, RunEvent, RunResult } from '@xform/core';
import { batchedWriter } from './batched-writer.js';
import { warehouseCost } from './format-bytes.js';
import { statusLineAllowed } from './logging.js';
import { bold, dim, green, red, yellow } from './output.js';
import { foundLine, targetLine, type ResourceCounts, type TargetSummary } from './run-header.js';
import { RunProgress, type ProgressMode } from './run-progress.js';
import { completedLine, errorLocation, problemLines, problemsOf, statsLine, statsOf } from './run-summary.js';

export type LogFormat = 'text' | 'json';

const useColor = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
const color = (f: (s: string) => string) => (s: string) => (useColor ? f(s) : s);
const okText = color(green);
const errText = color(red);
const warnText = color(yellow);
const dimText = color(dim);
const boldText = color(bold);

function statusLabel(status: string): string {
  switch (status) {
    case 'success':
      return okText('OK');
    case 'pass':
      return okText('PASS');
    case 'warn':
      return warnText('WARN');
    case 'fail':
      return errText('FAIL');
    case 'error':
      return errText('ERROR');
    case 'skipped':
      return warnText('SKIP');
    case 'partial success':
      return warnText('PARTIAL');
    default:
      return status.toUpperCase();
  }
}

/** An error with its location first (`models/bad.sql:1: ...`), continuation lines indented as the first. */
function errorText(result: RunResult): string {
  const err = result.error as { message?: string; hint?: string } | undefined;
  if (!err || typeof err !== 'object') return result.message;
  const where = errorLocation(result);
  const message = err.message ?? result.message;
  // Messages that already begin with their location (seeds/x.csv:3: ...) are not prefixed twice.
  const prefix = where !== undefined && !message.startsWith(where) ? `${where}: ` : '';
  return `${prefix}${message}${err.hint ? `\n${err.hint}` : ''}`;
}

/** How long a line may wait for others to be written with it. */
const STDOUT_BATCH_MS = 20;

/**
 * Lines to stdout, written together at most STDOUT_BATCH_MS after the first of them: nodes of a fast run
 * finish one per turn of the event loop, so batching per turn still wrote nearly every line alone.
 * `flush()` writes what waits at once (the run's end).
 */
function batchedStdout(): { out: (line: string) => void; flush: () => void } {
  const batch = batchedWriter((text) => process.stdout.write(text), STDOUT_BATCH_MS);
  return { out: (line) => batch.push(`${line}\n`), flush: batch.flush };
}

export interface RunPrinterOptions {
  /** Where lines go. Default: stdout, batched (written at the latest STDOUT_BATCH_MS later, and on close()). */
  out?: (line: string) => void;
  /** How nodes still running show. Default: a live status line on a terminal, START lines otherwise, none in JSON. */
  progress?: ProgressMode;
}

export class RunPrinter {
  /** Digits of the run's node count: `N of M` lines align. */
  private width = 1;
  private readonly out: (line: string) => void;
  private readonly flush: () => void;
  private readonly progress: RunProgress;
  private header: { found: ResourceCounts; target: TargetSummary } | undefined;

  constructor(
    private readonly manifest: Manifest,
    private readonly format: LogFormat,
    options: RunPrinterOptions = {},
  ) {
    const stdout = options.out === undefined ? batchedStdout() : undefined;
    this.out = options.out ?? stdout!.out;
    this.flush = stdout?.flush ?? (() => undefined);
    const mode = options.progress ?? (format === 'json' ? 'off' : statusLineAllowed() ? 'live' : 'lines');
    this.progress = new RunProgress(mode, (id) => this.label(id).what, (id) => this.startLine(id), this.out);
  }

  private label(id: string): { kind: string; what: string } {
    const node = this.manifest.nodes[id];
    if (!node) return { kind: '', what: id };
    if (node.resource_type === 'test' || node.resource_type === 'unit_test') return { kind: 'test', what: node.name };
    const exec = node as ExecutableNode;
    const kind = exec.resource_type === 'model' ? String(exec.config.materialized ?? 'view') : exec.resource_type;
    return { kind, what: `${exec.schema}.${exec.alias}` };
  }

  /** Under the `N of M` column: `        START table       main.slow`. */
  private startLine(id: string): string {
    const { kind, what } = this.label(id);
    const blank = ' '.repeat(this.width * 2 + ' of '.length);
    return `${blank}  ${'START'.padEnd(5)} ${kind.padEnd(11)} ${boldText(what)}${dimText(' still running')}`;
  }

  /**
   * The run's first lines: what the project holds and where it builds (text), or what the JSON `run_start`
   * event carries besides its total.
   */
  start(found: ResourceCounts, target: TargetSummary): void {
    this.header = { found, target };
    if (this.format === 'json') return;
    this.out(foundLine(found));
    this.out(targetLine(target));
    this.out('');
  }

  event(event: RunEvent): void {
    if (event.type === 'run_start') this.width = String(event.total).length;
    if (event.type === 'node_start') this.progress.started(event.id, event.total);
    else if (event.type === 'node_finish') this.progress.finished(event.id, event.index);
    if (this.format === 'json') {
      const { result, ...rest } = event as RunEvent & { result?: RunResult };
      const payload: Record<string, unknown> = { ...rest, ts: new Date().toISOString() };
      if (event.type === 'run_start' && this.header) Object.assign(payload, this.header);
      if (event.type === 'run_finish') payload.results = undefined;
      if (result) {
        payload.rows_affected = result.rows_affected;
        payload.failures = result.failures;
        payload.relation_name = result.relation_name;
        if (result.status === 'error' || result.status === 'partial success') payload.error = errorText(result);
      }
      this.out(JSON.stringify(payload));
      return;
    }
    if (event.type === 'batch_finish') {
      const { what } = this.label(event.id);
      const rows = event.rows !== undefined ? dimText(` ${event.rows} row${event.rows === 1 ? '' : 's'}`) : '';
      this.out(`      ${dimText(what)} batch ${event.index}/${event.total} ${event.label} ${statusLabel(event.status)}${rows}${dimText(` in ${event.seconds.toFixed(2)}s`)}`);
      if (event.status === 'error') for (const line of event.message.split('\n')) this.out(`        ${errText(line)}`);
      return;
    }
    if (event.type !== 'node_finish') return;
    const { kind, what } = this.label(event.id);
    const index = `${String(event.index).padStart(this.width)} of ${event.total}`;
    const n = event.result.rows_affected;
    const rows = n !== undefined ? dimText(` ${n} row${n === 1 ? "" : "s"}`) : '';
    const costText = warehouseCost(event.result.adapter_response);
    const cost = costText ? dimText(costText) : '';
    const seconds = event.status === 'skipped' ? '' : dimText(` in ${event.seconds.toFixed(2)}s`);
    const line = `${index}  ${statusLabel(event.status).padEnd(useColor ? 14 : 5)} ${kind.padEnd(11)} ${boldText(what)}${rows}${cost}${seconds}`;
    this.out(line);
    if (event.status === 'error' || event.status === 'partial success') {
      for (const line of errorText(event.result).split('\n')) this.out(line === '' ? '' : `      ${errText(line)}`);
    } else if (event.status === 'skipped' || event.status === 'fail' || event.status === 'warn') {
      for (const line of event.message.split('\n')) this.out(`      ${dimText(line)}`);
    }
  }

  /**
   * The run's end: the one-line count (`Done: 3 ok, ...`), then dbt's closing block repeating each failure
   * and warning, then dbt's `Done. PASS=...` line. JSON: one `summary` event with the same.
   */
  summary(results: RunResult[], elapsed: number, options: { cancelled?: boolean } = {}): void {
    this.progress.stop();
    const count = (s: string) => results.filter((r) => r.status === s).length;
    const ok = count('success') + count('pass');
    const partial = count('partial success');
    const parts = [`${ok} ok`, ...(partial > 0 ? [`${partial} partial success`] : []), `${count('error')} error`, `${count('fail')} failed test${count('fail') === 1 ? '' : 's'}`, `${count('warn')} warn`, `${count('skipped')} skipped`];
    const problems = problemsOf(results, this.manifest);
    const stats = statsOf(results);
    if (this.format === 'json') {
      this.out(
        JSON.stringify({
          type: 'summary',
          ok,
          partial_success: partial,
          error: count('error'),
          fail: count('fail'),
          warn: count('warn'),
          skipped: count('skipped'),
          elapsed,
          stats,
          ...(options.cancelled ? { cancelled: true } : {}),
          errors: [...problems.errors, ...problems.partial],
          warnings: problems.warnings,
        }),
      );
      return;
    }
    const bad = count('error') + count('fail') + partial > 0;
    this.out('');
    this.out(`${bad ? errText('Finished with errors') : okText('Done')}: ${parts.join(', ')} in ${elapsed.toFixed(2)}s`);
    if (results.length === 0) return;
    const completed = completedLine(problems, options.cancelled === true);
    this.out('');
    this.out(problems.errors.length > 0 ? errText(completed) : problems.partial.length + problems.warnings.length > 0 || options.cancelled ? warnText(completed) : okText(completed));
    for (const line of problemLines(problems)) this.out(line);
    this.out('');
    this.out(statsLine(stats));
  }

  /**
   * Stops the clock of running nodes, erases the live status line (also when the run failed) and writes the
   * lines still waiting.
   */
  close(): void {
    this.progress.stop();
    this.flush();
  }
}
