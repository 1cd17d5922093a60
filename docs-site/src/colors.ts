/** Colours by resource type / materialization, and lane tints; shared by the canvas and the legend. */
export const TYPE_COLORS: Record<string, string> = {
  source: '#16a34a',
  seed: '#0d9488',
  view: '#2563eb',
  table: '#4f46e5',
  incremental: '#9333ea',
  ephemeral: '#94a3b8',
  snapshot: '#d97706',
  materialized_view: '#0891b2',
};

export function colorOf(mat: string): string {
  return TYPE_COLORS[mat] ?? '#475569';
}

const LANE_TINTS: Record<string, [string, string]> = {
  bronze: ['rgba(205,127,50,0.07)', '#a0612a'],
  silver: ['rgba(100,116,139,0.07)', '#64748b'],
  gold: ['rgba(234,179,8,0.09)', '#a16207'],
};

/** [background, title colour] of a lane. */
export function laneTint(name: string, index: number): [string, string] {
  return LANE_TINTS[name.toLowerCase()] ?? (index % 2 ? ['rgba(15,23,42,0.035)', '#475569'] : ['rgba(15,23,42,0.015)', '#475569']);
}

export const STATUS_COLORS: Record<string, string> = {
  success: '#16a34a',
  pass: '#16a34a',
  error: '#dc2626',
  fail: '#dc2626',
  warn: '#d97706',
  skipped: '#94a3b8',
};
