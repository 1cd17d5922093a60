/**
 * Rendering on more than one core. A compile's first ("parse") render of each model, snapshot and singular
 * test is most of its work and needs nothing from the other nodes' renders, so helper threads take a share:
 * - each helper loads the project on its own (started as soon as the main thread has found the project's
 *   files, so the two loads run at once) and renders nodes from the end of the list backwards, while the
 *   main thread renders from the front; a node goes to whoever claims it first (one atomic cell per node);
 * - what a helper sends back is the entry the partial-parse render cache would keep (render-cache.ts), and
 *   the main thread takes it through the cache's reuse path: only when the node, every macro and global it
 *   looked up, every var, env_var and source relation it read are the same in the main thread's project.
 *   A render the cache would not keep (it warned, failed, logged, read the clock or needed a second render)
 *   comes back empty and is done again on the main thread, in order, with its messages;
 * - a helper that fails, or sends nothing for 10 s, only costs time: the main thread renders what it took
 *   (a node a helper took but had not claimed yet when the main thread got there is rendered by both).
 * The main thread waits with Atomics.wait and reads replies with receiveMessageOnPort: the compile's render
 * loop stays synchronous.
 */
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { HelperRender } from './render-cache.js';

/** What the compile asks of its render helpers (CompileOptions.share). */
export interface RenderShare {
  /** Before the first render: the unique_ids of the nodes to render, in order. */
  begin(ids: readonly string[]): void;
  /** Whether this thread renders node `index` of begin()'s list; false: a helper took it, result() waits for it. */
  claim(index: number): boolean;
  /** A helper's render of node `index`; undefined when it kept none or gave up (this thread renders it). */
  result(index: number): HelperRender | undefined;
  /** Every node has been rendered, or the compile ended before rendering: the helpers stop. */
  end(): void;
}

/** How a helper thread starts: CommonJS source Node runs as the thread's main, and data it reads from workerData. */
export interface HelperThread {
  source: string;
  workerData: Record<string, unknown>;
}

/** What a helper thread's workerData holds besides the caller's: see helpRender(). */
export interface HelperChannel {
  /** Int32 cells: CONTROL_* below. */
  control: SharedArrayBuffer;
  port: MessagePort;
  /** This helper's number (claims hold 2 + it). */
  helper: number;
}

/** What begin() sends each helper. */
interface BeginMessage {
  ids: readonly string[];
  /** One Int32 cell per node: 0 free, 1 the main thread's, 2 + n helper n's. */
  claims: SharedArrayBuffer;
}

interface ResultMessage {
  index: number;
  render: HelperRender | undefined;
}

/** Replies posted by all helpers (the main thread waits on this cell). */
const CONTROL_POSTED = 0;
/** The next index a helper claims, plus one (counts down). */
const CONTROL_BACK = 1;
/** Set by end(): helpers stop claiming. */
const CONTROL_STOP = 2;
/** Then one cell per helper, set when it failed. */
const CONTROL_FAILED = 3;
const MAIN = 1;
/** How long the main thread waits for a helper that sends nothing, before it renders the node itself. */
const STALL_MS = 10_000;

/** Starts `count` helper threads; they load the project meanwhile and render once begin() is called. */
export function startRenderHelpers(count: number, thread: HelperThread): RenderShare {
  const control = new Int32Array(new SharedArrayBuffer(4 * (CONTROL_FAILED + count)));
  const ports: MessagePort[] = [];
  for (let helper = 0; helper < count; helper++) {
    const { port1, port2 } = new MessageChannel();
    const channel: HelperChannel = { control: control.buffer as SharedArrayBuffer, port: port2, helper };
    const worker = new Worker(thread.source, {
      eval: true,
      workerData: { ...thread.workerData, ...channel },
      transferList: [port2],
      // What a helper prints (nothing, normally) is not the command's output.
      stdout: true,
      stderr: true,
    });
    worker.stdout.resume();
    worker.stderr.resume();
    // An error ends the helper; the nodes it took are rendered here. (A helper catches its own errors and marks
    // itself failed; this event reaches a main thread blocked in result() only after STALL_MS.)
    worker.on('error', () => markFailed(control, helper));
    // Never what keeps the process running.
    worker.unref();
    port1.unref();
    ports.push(port1);
  }
  let claims: Int32Array | undefined;
  /** The main thread renders from the front until a claim fails; the rest are the helpers'. */
  let mainStopped = false;
  let gaveUp = false;
  const results = new Map<number, HelperRender | undefined>();
  const drain = () => {
    for (const port of ports) {
      for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
        const { index, render } = m.message as ResultMessage;
        results.set(index, render);
      }
    }
  };
  return {
    begin(list) {
      claims = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, list.length)));
      Atomics.store(control, CONTROL_BACK, list.length);
      const message: BeginMessage = { ids: list, claims: claims.buffer as SharedArrayBuffer };
      for (const port of ports) port.postMessage(message);
    },
    claim(index) {
      if (claims === undefined) return true;
      if (mainStopped) return false;
      if (Atomics.compareExchange(claims, index, 0, MAIN) === 0) return true;
      mainStopped = true;
      return false;
    },
    result(index) {
      const owner = claims ? Atomics.load(claims, index) - 2 : -1;
      for (;;) {
        // Read before draining: a reply posted after the drain changes it, and the wait returns at once.
        const seen = Atomics.load(control, CONTROL_POSTED);
        drain();
        if (results.has(index)) {
          const render = results.get(index);
          results.delete(index);
          return render;
        }
        if (gaveUp || owner < 0 || Atomics.load(control, CONTROL_FAILED + owner) !== 0) return undefined;
        if (Atomics.wait(control, CONTROL_POSTED, seen, STALL_MS) === 'timed-out') {
          gaveUp = true;
          return undefined;
        }
      }
    },
    end() {
      Atomics.store(control, CONTROL_STOP, 1);
      for (const port of ports) port.close();
      results.clear();
    },
  };
}

function markFailed(control: Int32Array, helper: number): void {
  Atomics.store(control, CONTROL_FAILED + helper, 1);
  Atomics.add(control, CONTROL_POSTED, 1);
  Atomics.notify(control, CONTROL_POSTED);
}

/**
 * A helper thread's side: `prepare` loads the project (while the main thread loads its own) and returns the
 * function that renders one node by unique_id and gives what the render cache kept of it. Nodes are taken
 * from the back of the main thread's list until one is already taken or the main thread ends.
 */
export async function helpRender(channel: HelperChannel, prepare: () => Promise<(uniqueId: string) => HelperRender | undefined>): Promise<void> {
  const control = new Int32Array(channel.control);
  const { port } = channel;
  try {
    // The port closes without a begin when the main thread's compile ended before rendering (it failed).
    const begun = new Promise<BeginMessage | undefined>((resolve) => {
      port.once('message', resolve);
      port.once('close', () => resolve(undefined));
    });
    const [render, begin] = await Promise.all([prepare(), begun]);
    if (!begin) return;
    const claims = new Int32Array(begin.claims);
    const mark = 2 + channel.helper;
    for (;;) {
      if (Atomics.load(control, CONTROL_STOP) !== 0) break;
      const index = Atomics.sub(control, CONTROL_BACK, 1) - 1;
      if (index < 0 || Atomics.compareExchange(claims, index, 0, mark) !== 0) break;
      let result: HelperRender | undefined;
      try {
        result = render(begin.ids[index]!);
      } catch {
        result = undefined;
      }
      const reply: ResultMessage = { index, render: result };
      port.postMessage(reply);
      Atomics.add(control, CONTROL_POSTED, 1);
      Atomics.notify(control, CONTROL_POSTED);
    }
  } catch {
    markFailed(control, channel.helper);
  } finally {
    port.close();
  }
}
