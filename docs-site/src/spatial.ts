/**
 * A uniform grid over rectangles (node boxes, pieces of routed edges): a viewport query visits only the
 * cells it covers, so a frame costs what is on screen, not what is in the graph. Items are small ids; an
 * item spanning several cells is listed in each and reported once per query.
 */
export class SpatialGrid {
  private readonly cells = new Map<number, number[]>();
  private stamp: Uint32Array;
  private query = 0;

  /** `cellSize` in graph units; about the size of a few boxes suits both boxes and edge pieces. */
  constructor(private readonly cellSize: number, items = 0) {
    this.stamp = new Uint32Array(Math.max(16, items));
  }

  /** Cell key of (cx, cy); graphs span at most 2^20 cells a side. */
  private static key(cx: number, cy: number): number {
    return (cx + 0x80000) * 0x100000 + (cy + 0x80000);
  }

  insert(id: number, x0: number, y0: number, x1: number, y1: number): void {
    if (id >= this.stamp.length) {
      const next = new Uint32Array(Math.max(id + 1, this.stamp.length * 2));
      next.set(this.stamp);
      this.stamp = next;
    }
    const s = this.cellSize;
    const cx0 = Math.floor(Math.min(x0, x1) / s);
    const cx1 = Math.floor(Math.max(x0, x1) / s);
    const cy0 = Math.floor(Math.min(y0, y1) / s);
    const cy1 = Math.floor(Math.max(y0, y1) / s);
    for (let cx = cx0; cx <= cx1; cx++) {
      for (let cy = cy0; cy <= cy1; cy++) {
        const k = SpatialGrid.key(cx, cy);
        const list = this.cells.get(k);
        if (list) {
          if (list[list.length - 1] !== id) list.push(id);
        } else this.cells.set(k, [id]);
      }
    }
  }

  /** Calls `visit` once for every item whose cells meet the rectangle (a superset of exact overlaps). */
  search(x0: number, y0: number, x1: number, y1: number, visit: (id: number) => void): void {
    const s = this.cellSize;
    const q = ++this.query;
    const cx0 = Math.floor(x0 / s);
    const cx1 = Math.floor(x1 / s);
    const cy0 = Math.floor(y0 / s);
    const cy1 = Math.floor(y1 / s);
    // A query wider than the grid has cells walks the cells instead of the empty area.
    if ((cx1 - cx0 + 1) * (cy1 - cy0 + 1) > this.cells.size) {
      for (const [k, list] of this.cells) {
        const cx = Math.floor(k / 0x100000) - 0x80000;
        const cy = (k % 0x100000) - 0x80000;
        if (cx < cx0 || cx > cx1 || cy < cy0 || cy > cy1) continue;
        this.visitList(list, q, visit);
      }
      return;
    }
    for (let cx = cx0; cx <= cx1; cx++) {
      for (let cy = cy0; cy <= cy1; cy++) {
        const list = this.cells.get(SpatialGrid.key(cx, cy));
        if (list) this.visitList(list, q, visit);
      }
    }
  }

  private visitList(list: number[], q: number, visit: (id: number) => void): void {
    for (const id of list) {
      if (this.stamp[id] === q) continue;
      this.stamp[id] = q;
      visit(id);
    }
  }
}
