/** Progress lines and the summary of `xform source freshness`, in the run output's layout. */
import type { FreshnessResult, RunEvent, SourceNode } from '@xform/core';
import { bold, dim, green, red, yellow } from './output.js';

const useColor = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
const color = (f: (s: string) => string) => (s: string) => (useColor ? f(s) : s);

/** Scheduler statuses as freshness words: stale data runs as `fail`, a failed query as `error`. */
function label(status: string): string {
  switch (status) {
    case 'pass':
      return color(green)('PASS');
    case 'warn':
      return color(yellow)('WARN');
    case 'fail':
      return color(red)('ERROR STALE');
    case 'skipped':
      return color(yellow)('SKIP');
    default:
      return color(red)('ERROR');
  }
}

export class FreshnessPrinter {
  private readonly width: number;

  constructor(
    private readonly sources: ReadonlyMap<string, SourceNode>,
    private readonly out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  ) {
    this.width = String(sources.size).length;
  }

  event(event: RunEvent): void {
    if (event.type !== 'node_finish') return;
    const node = this.sources.get(event.id);
    const what = node ? `${node.source_name}.${node.name}` : event.id;
    const index = `${String(event.index).padStart(this.width)} of ${event.total}`;
    const seconds = event.status === 'skipped' ? '' : color(dim)(` in ${event.seconds.toFixed(2)}s`);
    const text = label(event.status);
    const detail = event.status === 'error' || event.status === 'skipped' ? '' : `  ${event.message}`;
    this.out(`${index}  ${text.padEnd(useColor ? 20 : 11)} freshness of ${color(bold)(what)}${detail}${seconds}`);
    if (event.status === 'error' || event.status === 'skipped') this.out(`      ${color(event.status === 'error' ? red : dim)(event.message.replace(/\n/g, '\n      '))}`);
  }

  summary(results: readonly FreshnessResult[], elapsed: number): void {
    const count = (s: string) => results.filter((r) => r.status === s).length;
    const errors = count('error') + count('runtime error');
    const parts = [`${count('pass')} pass`, `${count('warn')} warn`, `${count('error')} stale`, `${count('runtime error')} runtime error`];
    this.out('');
    this.out(`${errors > 0 ? color(red)('Finished with errors') : color(green)('Done')}: ${parts.join(', ')} in ${elapsed.toFixed(2)}s`);
  }
}
