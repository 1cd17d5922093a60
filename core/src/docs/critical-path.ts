/**
 * The critical path of a run: the chain of dependencies that decided when the run ended. It starts at the
 * item that finished last and walks back, each time to the dependency that finished last (the one the item
 * waited for), until an item that waited for nothing. Pure: the docs site's timeline bundles it.
 */
export interface TimedItem {
  end: number;
  /** Indexes of the items this one depends on. */
  deps: number[];
}

/** Indexes of the items on the critical path, first to run first. */
export function criticalPath(items: TimedItem[]): number[] {
  if (!items.length) return [];
  let last = 0;
  items.forEach((it, k) => {
    if (it.end > items[last]!.end) last = k;
  });
  const path = [last];
  const seen = new Set(path);
  for (let at = last; ; ) {
    let next = -1;
    for (const d of items[at]!.deps) if (!seen.has(d) && (next < 0 || items[d]!.end > items[next]!.end)) next = d;
    if (next < 0) break;
    path.push(next);
    seen.add(next);
    at = next;
  }
  return path.reverse();
}
