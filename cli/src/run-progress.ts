/**
 * What a run says about nodes still running. Plain output (a pipe, a file, CI) gets one `START` line for each
 * node still running after START_AFTER_MS, so fast nodes cost no line; a terminal gets one live status line at
 * its bottom instead, naming the running nodes and how long each has run, erased when the run ends.
 */
import { setStatusLine } from './logging.js';

/** A node running longer than this gets a START line (plain output). */
export const START_AFTER_MS = 2000;
const TICK_MS = 250;

export type ProgressMode = 'lines' | 'live' | 'off';

interface Running {
  started: number;
  announced: boolean;
}

export class RunProgress {
  private readonly running = new Map<string, Running>();
  private timer: NodeJS.Timeout | undefined;
  private done = 0;
  private total = 0;
  /** The nodes the status line names now. */
  private shown = new Set<string>();

  /**
   * @param what how a node is named on screen (`main.slow`)
   * @param startLine the START line of a node (plain output)
   */
  constructor(
    private readonly mode: ProgressMode,
    private readonly what: (id: string) => string,
    private readonly startLine: (id: string) => string,
    private readonly out: (line: string) => void,
  ) {}

  started(id: string, total: number): void {
    if (this.mode === 'off') return;
    this.total = total;
    this.running.set(id, { started: Date.now(), announced: false });
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.tick(), TICK_MS);
      // A run that ends without calling stop() (an exception) must not be kept alive by this.
      this.timer.unref();
    }
  }

  finished(id: string, index: number): void {
    this.done = index;
    this.running.delete(id);
    // A node the status line names leaves it at once, not a tick later below its own result line; others (fast
    // nodes of a big run) cost no terminal write.
    if (this.shown.has(id)) this.drawStatus(Date.now());
  }

  /** Stops the clock and erases the status line. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.running.clear();
    this.shown.clear();
    if (this.mode === 'live') setStatusLine(undefined);
  }

  private tick(): void {
    const now = Date.now();
    if (this.mode === 'lines') {
      for (const [id, r] of this.running) {
        if (r.announced || now - r.started < START_AFTER_MS) continue;
        r.announced = true;
        this.out(this.startLine(id));
      }
      return;
    }
    this.drawStatus(now);
  }

  private drawStatus(now: number): void {
    this.shown = new Set(this.running.keys());
    if (this.running.size === 0) {
      setStatusLine(undefined);
      return;
    }
    // Longest-running first: the node everyone waits for leads the line.
    const nodes = [...this.running].sort((a, b) => a[1].started - b[1].started).map(([id, r]) => `${this.what(id)} ${elapsed(now - r.started)}`);
    const text = `${this.done} of ${this.total} done, running: ${nodes.join(', ')}`;
    // A line wider than the terminal would wrap, and erasing would then leave its first part behind.
    const width = Math.max(20, (process.stdout.columns || 80) - 1);
    setStatusLine(text.length > width ? `${text.slice(0, width - 3)}...` : text);
  }
}

/** `3.2s`, `1m05s`. */
function elapsed(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const whole = Math.floor(seconds);
  return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
}
