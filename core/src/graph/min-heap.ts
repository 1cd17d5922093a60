/** A binary min-heap of strings (code-unit order), for deterministic topological sorting. */
export class MinHeap {
  private readonly items: string[] = [];

  get size(): number {
    return this.items.length;
  }

  push(value: string): void {
    const items = this.items;
    let i = items.push(value) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]! <= value) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = value;
  }

  pop(): string | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= items.length) break;
        const right = left + 1;
        const smaller = right < items.length && items[right]! < items[left]! ? right : left;
        if (items[smaller]! >= last) break;
        items[i] = items[smaller]!;
        i = smaller;
      }
      items[i] = last;
    }
    return top;
  }
}
