/**
 * The lineage graph on a canvas: only what is inside the viewport is drawn, so a 10,000-node view pans
 * and zooms smoothly. Labels appear once boxes are large enough to read. A hidden list mirrors the boxes
 * of small views for keyboard and screen-reader users.
 */
import type { DocsData } from './data.ts';
import { colorOf, laneTint, STATUS_COLORS } from './colors.ts';
import { buildIndex, type DrawStats, type ViewIndex } from './graph-index.ts';
import { detailLevel, traceArrow, traceRoute, type Route } from './routing.ts';
import type { Cluster, View, ViewBox } from './views.ts';

export type { DrawStats } from './graph-index.ts';

export interface Highlight {
  selected?: number;
  /** Nodes to keep bright; others are dimmed. */
  related?: Set<number>;
  /** Highlighted columns by node (column lineage). */
  columns?: Map<number, string[]>;
}

export interface CanvasEvents {
  onClick(box: ViewBox): void;
  onHover(box: ViewBox | undefined, clientX: number, clientY: number): void;
}

/** Edges per stroke() call (see drawNodes). */
const EDGES_PER_STROKE = 32;
const MIN_SCALE = 0.01;
const MAX_SCALE = 2.5;
/** Scale small views open at, so that their labels read. */
const READABLE = 0.5;
export class GraphCanvas {
  private view?: View;
  private highlight: Highlight = {};
  private scale = 1;
  private tx = 0;
  private ty = 0;
  private frame = 0;
  private readonly ctx: CanvasRenderingContext2D;
  private dragging?: { x: number; y: number; moved: boolean };
  /** The last fit/centre request, repeated when the canvas changes size (the panel opening) until the user pans or zooms. */
  private refit?: () => void;

  constructor(private readonly canvas: HTMLCanvasElement, private readonly data: DocsData, private readonly events: CanvasEvents) {
    this.ctx = canvas.getContext('2d')!;
    new ResizeObserver(() => this.resize()).observe(canvas.parentElement!);
    canvas.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    canvas.addEventListener('mousedown', (e) => {
      this.dragging = { x: e.clientX, y: e.clientY, moved: false };
    });
    window.addEventListener('mousemove', (e) => this.onMove(e));
    window.addEventListener('mouseup', (e) => {
      const drag = this.dragging;
      this.dragging = undefined;
      if (drag && !drag.moved && e.target === canvas) {
        const box = this.hit(e);
        if (box) this.events.onClick(box);
      }
    });
    this.resize();
  }

  setView(view: View, highlight: Highlight = {}): void {
    this.view = view;
    this.highlight = highlight;
    this.fit();
  }

  setHighlight(highlight: Highlight): void {
    this.highlight = highlight;
    this.requestDraw();
  }

  get currentView(): View | undefined {
    return this.view;
  }

  fit(): void {
    this.refit = () => this.fit();
    const v = this.view;
    if (!v) return;
    const w = this.canvas.clientWidth;
    const h = this.canvas.clientHeight;
    const pad = 60;
    const whole = Math.min(MAX_SCALE * 0.4, Math.max(MIN_SCALE, Math.min((w - pad * 2) / Math.max(1, v.width), (h - pad * 2 - 30) / Math.max(1, v.height))));
    // A view of a few hundred boxes opens readable (labels shown) even if it then needs panning; bigger views open whole.
    this.scale = v.boxes.length <= 300 ? Math.max(whole, READABLE) : whole;
    this.tx = Math.max(pad, (w - v.width * this.scale) / 2);
    if (v.width * this.scale > w - pad * 2) this.tx = pad;
    this.ty = v.height * this.scale > h - pad * 2 - 30 ? pad + 30 - this.topOfContent(v) * this.scale : (h - v.height * this.scale) / 2 + 15;
    this.requestDraw();
  }

  /** The top edge of the first column's boxes (columns are centred, so the content may start below 0). */
  private topOfContent(v: View): number {
    let top = Infinity;
    for (const b of v.boxes) if (b.y < top) top = b.y;
    return top === Infinity ? 0 : top;
  }

  zoom(factor: number, cx = this.canvas.clientWidth / 2, cy = this.canvas.clientHeight / 2): void {
    this.refit = undefined;
    const next = Math.min(MAX_SCALE, Math.max(MIN_SCALE, this.scale * factor));
    this.tx = cx - ((cx - this.tx) * next) / this.scale;
    this.ty = cy - ((cy - this.ty) * next) / this.scale;
    this.scale = next;
    this.requestDraw();
  }

  /** Centres a node's box, zooming in to a readable size if needed. */
  centerOn(node: number): void {
    this.refit = () => this.centerOn(node);
    const k = this.view?.boxOfNode.get(node);
    if (k === undefined || !this.view) return;
    const b = this.view.boxes[k]!;
    this.scale = Math.max(this.scale, 0.8);
    const w = this.canvas.clientWidth;
    const h = this.canvas.clientHeight;
    this.tx = w / 2 - (b.x + b.w / 2) * this.scale;
    this.ty = h / 2 - (b.y + b.h / 2) * this.scale;
    this.requestDraw();
  }

  /** Centre of a node's box in page coordinates, if it is drawn and on screen. */
  screenPosition(node: number): { x: number; y: number } | undefined {
    const k = this.view?.boxOfNode.get(node);
    if (k === undefined || !this.view) return undefined;
    const b = this.view.boxes[k]!;
    const rect = this.canvas.getBoundingClientRect();
    const x = rect.left + this.tx + (b.x + b.w / 2) * this.scale;
    const y = rect.top + this.ty + (b.y + b.h / 2) * this.scale;
    return x >= rect.left && x <= rect.right && y >= rect.top && y <= rect.bottom ? { x, y } : undefined;
  }

  /** Fits the view to the boxes of some nodes (a column's lineage), never zooming in past 100%. */
  fitNodes(nodes: Iterable<number>): void {
    const list = [...nodes];
    this.refit = () => this.fitNodes(list);
    const v = this.view;
    if (!v) return;
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (const n of list) {
      const k = v.boxOfNode.get(n);
      if (k === undefined) continue;
      const b = v.boxes[k]!;
      x0 = Math.min(x0, b.x);
      y0 = Math.min(y0, b.y);
      x1 = Math.max(x1, b.x + b.w);
      y1 = Math.max(y1, b.y + b.h);
    }
    if (x0 === Infinity) return;
    const w = this.canvas.clientWidth;
    const h = this.canvas.clientHeight;
    this.scale = Math.max(MIN_SCALE, Math.min(1, (w - 120) / (x1 - x0), (h - 160) / (y1 - y0)));
    this.tx = w / 2 - ((x0 + x1) / 2) * this.scale;
    this.ty = h / 2 - ((y0 + y1) / 2) * this.scale;
    this.requestDraw();
  }

  private resize(): void {
    const parent = this.canvas.parentElement!;
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.max(1, Math.floor(parent.clientWidth * dpr));
    this.canvas.height = Math.max(1, Math.floor(parent.clientHeight * dpr));
    this.canvas.style.width = `${parent.clientWidth}px`;
    this.canvas.style.height = `${parent.clientHeight}px`;
    if (this.refit) this.refit();
    this.requestDraw();
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    const rect = this.canvas.getBoundingClientRect();
    if (e.ctrlKey || e.metaKey || Math.abs(e.deltaY) > Math.abs(e.deltaX)) {
      this.zoom(Math.exp(-e.deltaY * 0.0015), e.clientX - rect.left, e.clientY - rect.top);
    } else {
      this.refit = undefined;
      this.tx -= e.deltaX;
      this.requestDraw();
    }
  }

  private onMove(e: MouseEvent): void {
    if (this.dragging) {
      const dx = e.clientX - this.dragging.x;
      const dy = e.clientY - this.dragging.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) this.dragging.moved = true;
      if (this.dragging.moved) {
        this.refit = undefined;
        this.tx += dx;
        this.ty += dy;
        this.dragging.x = e.clientX;
        this.dragging.y = e.clientY;
        this.requestDraw();
      }
      return;
    }
    if (e.target !== this.canvas) return;
    const box = this.hit(e);
    this.canvas.style.cursor = box ? 'pointer' : 'grab';
    this.events.onHover(box, e.clientX, e.clientY);
  }

  private hit(e: MouseEvent): ViewBox | undefined {
    if (!this.view) return undefined;
    const rect = this.canvas.getBoundingClientRect();
    const x = (e.clientX - rect.left - this.tx) / this.scale;
    const y = (e.clientY - rect.top - this.ty) / this.scale;
    const inside = (b: ViewBox) => x >= b.x && x <= b.x + b.w && y >= b.y && y <= b.y + b.h;
    if (detailLevel(this.scale, this.view.clusters !== undefined) === 'clusters') return this.view.clusters!.find(inside);
    let found: ViewBox | undefined;
    this.indexOf(this.view).boxGrid.search(x, y, x, y, (k) => {
      const b = this.view!.boxes[k]!;
      if (!found && inside(b)) found = b;
    });
    return found;
  }

  requestDraw(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /** What the last frame drew, and how long it took (for the browser tests and the benchmark). */
  get stats(): DrawStats {
    return this.lastStats;
  }

  /** Zooms to `scale` around a point of the graph (graph units), for tests and the benchmark. */
  zoomTo(scale: number, gx: number, gy: number): void {
    this.refit = undefined;
    this.scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
    this.tx = this.canvas.clientWidth / 2 - gx * this.scale;
    this.ty = this.canvas.clientHeight / 2 - gy * this.scale;
    this.requestDraw();
  }

  panBy(dx: number, dy: number): void {
    this.refit = undefined;
    this.tx += dx;
    this.ty += dy;
    this.requestDraw();
  }

  get transform(): { scale: number; tx: number; ty: number } {
    return { scale: this.scale, tx: this.tx, ty: this.ty };
  }

  private drawn = false;
  /** A node's name and subtitle, cut to its box, by node index. */
  private readonly texts = new Map<number, [string, string]>();
  private lastStats: DrawStats = { level: 'boxes', boxes: 0, edges: 0, arrows: 0, labels: 0, clusters: 0, ms: 0 };

  private draw(): void {
    const started = performance.now();
    const { ctx, view } = this;
    const dpr = window.devicePixelRatio || 1;
    const w = this.canvas.width / dpr;
    const h = this.canvas.height / dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = '#f8fafc';
    ctx.fillRect(0, 0, w, h);
    if (!view) return;
    const s = this.scale;
    const left = -this.tx / s;
    const top = -this.ty / s;
    const right = left + w / s;
    const bottom = top + h / s;
    const stats: DrawStats = { level: detailLevel(s, view.clusters !== undefined), boxes: 0, edges: 0, arrows: 0, labels: 0, clusters: 0, ms: 0 };
    this.drawLanes(view, w, h);

    ctx.setTransform(dpr * s, 0, 0, dpr * s, dpr * this.tx, dpr * this.ty);
    if (stats.level === 'clusters') this.drawClusters(view, left, top, right, bottom, stats);
    else this.drawNodes(view, left, top, right, bottom, stats);
    ctx.globalAlpha = 1;
    stats.ms = performance.now() - started;
    this.lastStats = stats;
    // The first frame with something on it: the page is usable from here (the benchmark reads it).
    if (!this.drawn && view.boxes.length) {
      this.drawn = true;
      performance.mark('xform-drawn');
    }
  }

  /** Swimlanes, with their titles pinned to the top of the screen, cut to the lane's width so they never overlap. */
  private drawLanes(view: View, w: number, h: number): void {
    const { ctx } = this;
    ctx.font = '600 12px Inter, system-ui, sans-serif';
    for (const lane of view.lanes) {
      const name = (this.data.graph.lanes[lane.lane] ?? '').toUpperCase();
      const [bg, fg] = laneTint(name.toLowerCase(), lane.lane);
      const x0 = lane.x0 * this.scale + this.tx;
      const x1 = lane.x1 * this.scale + this.tx;
      if (x1 < 0 || x0 > w) continue;
      ctx.fillStyle = bg;
      ctx.fillRect(x0, 0, x1 - x0, h);
      const room = x1 - x0 - 16;
      if (room < 24) continue;
      const text = clip(ctx, name, room);
      const tw = ctx.measureText(text).width;
      ctx.fillStyle = fg;
      ctx.fillText(text, Math.min(Math.max((Math.max(x0, 0) + Math.min(x1, w)) / 2 - tw / 2, x0 + 8), x1 - 8 - tw), 22);
    }
  }

  private indexOf(view: View): ViewIndex {
    let index = this.indexes.get(view);
    if (!index) this.indexes.set(view, (index = buildIndex(view, (n) => this.data.nodes[n]!.group)));
    return index;
  }

  private readonly indexes = new WeakMap<View, ViewIndex>();

  private drawNodes(view: View, left: number, top: number, right: number, bottom: number, stats: DrawStats): void {
    const { ctx } = this;
    const s = this.scale;
    const index = this.indexOf(view);
    const hl = this.highlight;
    const dimming = hl.related !== undefined;
    const bright = (b: ViewBox) => !dimming || (b.kind === 'node' && hl.related!.has(b.ref));
    const edges: number[] = [];
    index.edgeGrid.search(left, top, right, bottom, (e) => edges.push(e));
    // Edges: plain first, highlighted on top; each ends in an arrowhead at its target when that is on screen.
    const arrow = Math.min(7 / s, 24);
    const drawEdges = (highlighted: boolean) => {
      const heads: Route[] = [];
      let inPath = 0;
      ctx.beginPath();
      for (const e of edges) {
        const [a, b, weight] = view.edges[e]!;
        const on = dimming && bright(view.boxes[a]!) && bright(view.boxes[b]!);
        if (on !== highlighted) continue;
        const weighted = index.maxWeight > 1 && !highlighted;
        // Stroked a few dozen at a time: Skia fills one path of a thousand crossing curves many times slower.
        if (weighted || inPath === EDGES_PER_STROKE) {
          ctx.stroke();
          ctx.beginPath();
          inPath = 0;
        }
        if (weighted) ctx.lineWidth = (1 + 5 * Math.sqrt(weight / index.maxWeight)) / Math.max(s, 0.4);
        const r = index.routes[e]!;
        traceRoute(ctx, r);
        inPath++;
        stats.edges++;
        if (r.x2 >= left && r.x2 <= right && r.y2 >= top && r.y2 <= bottom) heads.push(r);
      }
      ctx.stroke();
      ctx.fillStyle = ctx.strokeStyle;
      ctx.beginPath();
      heads.forEach((r, k) => {
        if (k > 0 && k % EDGES_PER_STROKE === 0) {
          ctx.fill();
          ctx.beginPath();
        }
        traceArrow(ctx, r, arrow);
      });
      ctx.fill();
      stats.arrows += heads.length;
    };
    // At most one screen pixel wide: Skia draws such strokes as hairlines, several times faster than wider
    // ones, and hundreds of edges cross the screen at middle zoom.
    ctx.lineWidth = Math.min(1.2 / Math.max(s, 0.3), 1 / s);
    ctx.strokeStyle = dimming ? 'rgba(148,163,184,0.25)' : '#94a3b8';
    drawEdges(false);
    if (dimming) {
      ctx.lineWidth = 2.2 / Math.max(s, 0.3);
      ctx.strokeStyle = hl.columns ? '#f97316' : '#6366f1';
      drawEdges(true);
    }
    index.boxGrid.search(left, top, right, bottom, (k) => {
      const b = view.boxes[k]!;
      if (b.x + b.w < left || b.x > right || b.y + b.h < top || b.y > bottom) return;
      ctx.globalAlpha = bright(b) ? 1 : 0.22;
      // Overview cards carry 14 px titles, legible a little further out than node names.
      const detailed = b.kind === 'group' ? s >= 0.3 : stats.level === 'labels';
      if (b.kind === 'group') this.drawGroup(b, detailed);
      else this.drawNode(b, detailed);
      stats.boxes++;
      if (detailed) stats.labels++;
    });
  }

  /** Far out: one box per folder with its node count, and one edge per pair of folders, as wide as the edges it stands for. */
  private drawClusters(view: View, left: number, top: number, right: number, bottom: number, stats: DrawStats): void {
    const { ctx } = this;
    const s = this.scale;
    const index = this.indexOf(view);
    const clusters = view.clusters!;
    const hl = this.highlight;
    const litGroups = hl.related ? new Set([...hl.related].map((n) => this.data.nodes[n]!.group)) : undefined;
    const arrow = 7 / s;
    ctx.strokeStyle = '#94a3b8';
    ctx.fillStyle = '#94a3b8';
    for (const [a, b, weight, r] of index.clusterEdges) {
      if (Math.max(r.x1, r.x2) < left || Math.min(r.x1, r.x2) > right || Math.max(r.y1, r.y2) < top || Math.min(r.y1, r.y2) > bottom) continue;
      ctx.globalAlpha = !litGroups || (litGroups.has(clusters[a]!.ref) && litGroups.has(clusters[b]!.ref)) ? 0.7 : 0.12;
      ctx.lineWidth = (0.8 + 4 * Math.sqrt(weight / index.maxClusterWeight)) / s;
      ctx.beginPath();
      traceRoute(ctx, r);
      ctx.stroke();
      stats.edges++;
      if (r.x2 < left || r.x2 > right || r.y2 < top || r.y2 > bottom) continue;
      ctx.beginPath();
      traceArrow(ctx, r, arrow);
      ctx.fill();
      stats.arrows++;
    }
    const labels: Cluster[] = [];
    for (const c of clusters) {
      if (c.x + c.w < left || c.x > right || c.y + c.h < top || c.y > bottom) continue;
      ctx.globalAlpha = !litGroups || litGroups.has(c.ref) ? 1 : 0.22;
      const { color } = this.groupSummary(c.ref);
      ctx.fillStyle = '#ffffff';
      ctx.strokeStyle = '#cbd5e1';
      ctx.lineWidth = 1 / s;
      ctx.beginPath();
      ctx.rect(c.x, c.y, c.w, c.h);
      ctx.fill();
      ctx.stroke();
      ctx.fillStyle = color;
      ctx.fillRect(c.x, c.y, Math.min(c.w, 5 / s), c.h);
      stats.clusters++;
      if (c.w * s >= 60 && c.h * s >= 16) labels.push(c);
    }
    // Labels in screen pixels, so that they read the same at every zoom.
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    for (const c of labels) {
      ctx.globalAlpha = !litGroups || litGroups.has(c.ref) ? 1 : 0.3;
      const x = c.x * s + this.tx + 10;
      const y = c.y * s + this.ty;
      const room = c.w * s - 16;
      ctx.fillStyle = '#0f172a';
      ctx.font = '600 12px Inter, system-ui, sans-serif';
      ctx.fillText(clip(ctx, this.data.graph.groups[c.ref]!.name, room), x, y + Math.min(15, c.h * s - 3));
      if (c.h * s >= 32) {
        ctx.fillStyle = '#64748b';
        ctx.font = '11px Inter, system-ui, sans-serif';
        ctx.fillText(clip(ctx, `${c.count.toLocaleString('en-US')} node${c.count === 1 ? '' : 's'}`, room), x, y + 29);
      }
      stats.labels++;
    }
  }

  private drawGroup(b: ViewBox, detailed: boolean): void {
    const { ctx } = this;
    const group = this.data.graph.groups[b.ref]!;
    const { color, text } = this.groupSummary(b.ref);
    ctx.fillStyle = '#ffffff';
    ctx.strokeStyle = '#cbd5e1';
    ctx.lineWidth = 1;
    roundRect(ctx, b.x, b.y, b.w, b.h, 8);
    ctx.fill();
    ctx.stroke();
    ctx.fillStyle = color;
    roundRect(ctx, b.x, b.y, 6, b.h, 3);
    ctx.fill();
    if (!detailed) return;
    ctx.fillStyle = '#0f172a';
    ctx.font = '600 14px Inter, system-ui, sans-serif';
    ctx.fillText(clip(ctx, group.name, b.w - 24), b.x + 16, b.y + 22);
    ctx.fillStyle = '#64748b';
    ctx.font = '12px Inter, system-ui, sans-serif';
    ctx.fillText(clip(ctx, text, b.w - 24), b.x + 16, b.y + 40 > b.y + b.h - 6 ? b.y + b.h - 6 : b.y + 40);
  }

  private summaries?: { color: string; text: string }[];

  /** Colour (its most common materialization) and member counts of each group, computed once. */
  private groupSummary(group: number): { color: string; text: string } {
    if (!this.summaries) {
      const kinds = this.data.graph.groups.map(() => new Map<string, number>());
      const mats = this.data.graph.groups.map(() => new Map<string, number>());
      for (const n of this.data.nodes) {
        kinds[n.group]!.set(n.type, (kinds[n.group]!.get(n.type) ?? 0) + 1);
        mats[n.group]!.set(n.mat, (mats[n.group]!.get(n.mat) ?? 0) + 1);
      }
      this.summaries = kinds.map((k, g) => ({
        color: colorOf([...mats[g]!].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'view'),
        text: [...k].map(([kind, n]) => `${n.toLocaleString('en-US')} ${kind}${n === 1 ? '' : 's'}`).join(' · '),
      }));
    }
    return this.summaries[group]!;
  }

  private drawNode(b: ViewBox, detailed: boolean): void {
    const { ctx } = this;
    const node = this.data.nodes[b.ref]!;
    const color = colorOf(node.mat);
    const selected = this.highlight.selected === b.ref;
    const cols = this.highlight.columns?.get(b.ref);
    if (!detailed) {
      ctx.fillStyle = selected ? '#f97316' : color;
      ctx.fillRect(b.x, b.y, b.w, b.h);
      return;
    }
    ctx.fillStyle = '#ffffff';
    ctx.strokeStyle = selected ? '#f97316' : cols ? '#fb923c' : '#d5dde8';
    ctx.lineWidth = selected ? 2.5 : cols ? 2 : 1;
    roundRect(ctx, b.x, b.y, b.w, b.h, 6);
    ctx.fill();
    ctx.stroke();
    ctx.fillStyle = color;
    roundRect(ctx, b.x, b.y, 5, b.h, 2.5);
    ctx.fill();
    ctx.fillStyle = '#0f172a';
    ctx.font = '600 12.5px Inter, system-ui, sans-serif';
    const badgeW = node.tests ? 30 : 0;
    // Cut texts are kept: measuring them is the dearest part of a frame full of names.
    let texts = this.texts.get(b.ref);
    if (!texts) {
      const sub = node.type === 'model' || node.type === 'snapshot' ? node.mat : node.type;
      texts = [clip(ctx, node.name, b.w - 22 - badgeW), ''];
      ctx.font = '10.5px Inter, system-ui, sans-serif';
      texts[1] = clip(ctx, node.columns.length ? `${sub} · ${node.columns.length} cols` : sub, b.w - 22);
      ctx.font = '600 12.5px Inter, system-ui, sans-serif';
      this.texts.set(b.ref, texts);
    }
    ctx.fillText(texts[0], b.x + 13, b.y + 15);
    ctx.font = '10.5px Inter, system-ui, sans-serif';
    if (cols) {
      ctx.fillStyle = '#c2410c';
      ctx.fillText(clip(ctx, `◆ ${cols.join(', ')}`, b.w - 22), b.x + 13, b.y + 29);
    } else {
      ctx.fillStyle = '#64748b';
      ctx.fillText(texts[1], b.x + 13, b.y + 29);
    }
    if (node.tests) {
      const failed = node.testsFailed > 0;
      ctx.fillStyle = failed ? '#fee2e2' : '#dcfce7';
      roundRect(ctx, b.x + b.w - 36, b.y + 6, 28, 15, 7.5);
      ctx.fill();
      ctx.fillStyle = failed ? '#b91c1c' : '#15803d';
      ctx.font = '600 10px Inter, system-ui, sans-serif';
      ctx.fillText(`${failed ? '✗' : '✓'}${failed ? node.testsFailed : node.tests}`, b.x + b.w - 31, b.y + 17);
    }
    if (node.status) {
      ctx.fillStyle = STATUS_COLORS[node.status] ?? '#94a3b8';
      ctx.beginPath();
      ctx.arc(b.x + b.w - 10, b.y + b.h - 9, 3.5, 0, Math.PI * 2);
      ctx.fill();
    }
  }
}

function roundRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.roundRect(x, y, w, h, r);
}

/** Text cut to fit a width, with an ellipsis. */
function clip(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(`${text.slice(0, mid)}…`).width <= width) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}
