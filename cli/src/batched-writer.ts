/**
 * Text written together at most `delayMs` after the first piece of it waits: a run prints and logs a line or
 * more per node, and a write each cost about a third of a millisecond, as much as building a DuckDB view.
 * `flush()` writes what waits at once. `unref`: the timer never keeps the process alive (its owner flushes
 * on exit instead).
 */
export function batchedWriter(write: (text: string) => void, delayMs: number, { unref = false }: { unref?: boolean } = {}): { push: (text: string) => void; flush: () => void } {
  let pending: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    write(text);
  };
  return {
    push: (text) => {
      pending.push(text);
      if (timer === undefined) {
        timer = setTimeout(flush, delayMs);
        if (unref) timer.unref();
      }
    },
    flush,
  };
}
