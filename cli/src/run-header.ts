/** The lines a run starts with: what the project holds (dbt's "Found 5 models, 20 data tests, ...") and its target. */
import type { Manifest, TargetConfig } from '@xform/core';

/** Counts of the project's resources, keyed as in the JSON `run_start` event. */
export type ResourceCounts = Record<(typeof KINDS)[number][0], number>;

/** dbt's order and wording; a count of zero is left out of the line. */
const KINDS = [
  ['models', 'model', 'models'],
  ['snapshots', 'snapshot', 'snapshots'],
  ['seeds', 'seed', 'seeds'],
  ['data_tests', 'data test', 'data tests'],
  ['unit_tests', 'unit test', 'unit tests'],
  ['sources', 'source', 'sources'],
  ['macros', 'macro', 'macros'],
] as const;

const KEY_OF_TYPE: Record<string, keyof ResourceCounts> = { model: 'models', snapshot: 'snapshots', seed: 'seeds', test: 'data_tests', unit_test: 'unit_tests' };

/** Every enabled resource of the project, selected or not (ephemeral models count as models). */
export function resourceCounts(manifest: Manifest): ResourceCounts {
  const counts = Object.fromEntries(KINDS.map(([key]) => [key, 0])) as ResourceCounts;
  for (const node of Object.values(manifest.nodes)) {
    const key = KEY_OF_TYPE[node.resource_type];
    if (key !== undefined) counts[key]++;
  }
  counts.sources = Object.keys(manifest.sources).length;
  counts.macros = Object.keys(manifest.macros).length;
  return counts;
}

/** `Found 5 models, 1 seed, 20 data tests, 2 sources, 164 macros`. */
export function foundLine(counts: ResourceCounts): string {
  const parts = KINDS.filter(([key]) => counts[key] > 0).map(([key, one, many]) => `${counts[key]} ${counts[key] === 1 ? one : many}`);
  return `Found ${parts.length > 0 ? parts.join(', ') : 'nothing to run'}`;
}

/** What the JSON `run_start` event says of the target. */
export interface TargetSummary {
  name: string;
  type: string;
  schema: string;
  threads: number;
}

export function targetSummary(target: TargetConfig, threads: number): TargetSummary {
  return { name: target.name, type: target.type, schema: target.schema, threads };
}

/** `Target: dev (duckdb, schema main), 4 threads`. */
export function targetLine(t: TargetSummary): string {
  return `Target: ${t.name} (${t.type}, schema ${t.schema}), ${t.threads} thread${t.threads === 1 ? '' : 's'}`;
}
