/**
 * The lineage graph on a canvas: only what is inside the viewport is drawn, so a 10,000-node view pans
 * and zooms smoothly. Labels appear once boxes are large enough to read. A hidden list mirrors the boxes
 * of small views for keyboard and screen-reader users.
 */
import type { DocsData } from './data.ts';
import { colorOf, laneTint, STATUS_COLORS } from './colors.ts';
import type { View, ViewBox } from './views.ts';

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

const MIN_SCALE = 0.01;
const MAX_SCALE = 2.5;
/** Smallest scale at which node labels are drawn. */
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
    for (const b of this.view.boxes) if (x >= b.x && x <= b.x + b.w && y >= b.y && y <= b.y + b.h) return b;
    return undefined;
  }

  requestDraw(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private draw(): void {
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

    // Swimlanes, with their titles pinned to the top of the screen.
    view.lanes.forEach((lane) => {
      const name = this.data.graph.lanes[lane.lane] ?? '';
      const [bg, fg] = laneTint(name, lane.lane);
      const x0 = lane.x0 * s + this.tx;
      const x1 = lane.x1 * s + this.tx;
      if (x1 < 0 || x0 > w) return;
      ctx.fillStyle = bg;
      ctx.fillRect(x0, 0, x1 - x0, h);
      ctx.fillStyle = fg;
      ctx.font = '600 12px Inter, system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.fillText(name.toUpperCase(), Math.min(Math.max((x0 + x1) / 2, x0 + 60), x1 - 60), 22);
      ctx.textAlign = 'left';
    });

    ctx.setTransform(dpr * s, 0, 0, dpr * s, dpr * this.tx, dpr * this.ty);
    const hl = this.highlight;
    const dimming = hl.related !== undefined;
    const bright = (b: ViewBox) => !dimming || (b.kind === 'node' && hl.related!.has(b.ref));

    // Edges: plain first, highlighted on top.
    const maxWeight = view.edges.reduce((m, e) => Math.max(m, e[2]), 1);
    const drawEdges = (highlighted: boolean) => {
      ctx.beginPath();
      for (const [a, b, weight] of view.edges) {
        const from = view.boxes[a]!;
        const to = view.boxes[b]!;
        const on = dimming && bright(from) && bright(to);
        if (on !== highlighted) continue;
        const x1 = from.x + from.w;
        const y1 = from.y + from.h / 2;
        const x2 = to.x;
        const y2 = to.y + to.h / 2;
        if (Math.max(x1, x2) < left || Math.min(x1, x2) > right || Math.max(y1, y2) < top || Math.min(y1, y2) > bottom) continue;
        if (maxWeight > 1 && !highlighted) {
          ctx.stroke();
          ctx.beginPath();
          ctx.lineWidth = (1 + 5 * Math.sqrt(weight / maxWeight)) / Math.max(s, 0.4);
        }
        const mid = (x1 + x2) / 2;
        ctx.moveTo(x1, y1);
        ctx.bezierCurveTo(mid, y1, mid, y2, x2, y2);
      }
      ctx.stroke();
    };
    ctx.lineWidth = 1.2 / Math.max(s, 0.3);
    ctx.strokeStyle = dimming ? 'rgba(148,163,184,0.25)' : '#b6c2d2';
    drawEdges(false);
    if (dimming) {
      ctx.lineWidth = 2.2 / Math.max(s, 0.3);
      ctx.strokeStyle = hl.columns ? '#f97316' : '#6366f1';
      drawEdges(true);
    }

    const detailed = s >= 0.3;
    for (const b of view.boxes) {
      if (b.x + b.w < left || b.x > right || b.y + b.h < top || b.y > bottom) continue;
      ctx.globalAlpha = bright(b) ? 1 : 0.22;
      if (b.kind === 'group') this.drawGroup(b, detailed);
      else this.drawNode(b, detailed);
    }
    ctx.globalAlpha = 1;
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
    ctx.fillText(clip(ctx, node.name, b.w - 22 - badgeW), b.x + 13, b.y + 15);
    ctx.font = '10.5px Inter, system-ui, sans-serif';
    if (cols) {
      ctx.fillStyle = '#c2410c';
      ctx.fillText(clip(ctx, `◆ ${cols.join(', ')}`, b.w - 22), b.x + 13, b.y + 29);
    } else {
      ctx.fillStyle = '#64748b';
      const sub = node.type === 'model' || node.type === 'snapshot' ? node.mat : node.type;
      ctx.fillText(clip(ctx, node.columns.length ? `${sub} · ${node.columns.length} cols` : sub, b.w - 22), b.x + 13, b.y + 29);
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
