/**
 * target/sources.json in dbt's shape (sources/v3), so that tools reading dbt's freshness artifact find the
 * familiar keys. A runtime error entry carries `error` instead of the times, as in dbt.
 */
import path from 'node:path';
import { writeFileAtomic } from '../fs-write.js';
import { scrubSecrets } from '../secrets.js';
import type { FreshnessRule } from '../project/types.js';
import { redactSecrets } from '../run/run-results.js';
import type { FreshnessResult } from './freshness.js';

export const SOURCES_SCHEMA = 'https://schemas.getdbt.com/dbt/sources/v3.json';

export interface SourcesJsonMeta {
  invocationId: string;
  generatedAt: Date;
  /** Seconds the whole invocation took. */
  elapsed: number;
  xformVersion: string;
}

type Rule = FreshnessRule | { count: null; period: null };

export interface SourcesJsonFile {
  metadata: { dbt_schema_version: string; xform_version: string; generated_at: string; invocation_id: string; env: Record<string, string> };
  results: Record<string, unknown>[];
  elapsed_time: number;
}

const rule = (r: FreshnessRule | undefined): Rule => r ?? { count: null, period: null };

function errorMessage(error: unknown, fallback: string): string {
  return error instanceof Error ? error.message : fallback;
}

export function buildSourcesJson(results: readonly FreshnessResult[], meta: SourcesJsonMeta): SourcesJsonFile {
  return {
    metadata: {
      dbt_schema_version: SOURCES_SCHEMA,
      xform_version: meta.xformVersion,
      generated_at: meta.generatedAt.toISOString(),
      invocation_id: meta.invocationId,
      env: {},
    },
    results: results.map((r) => {
      if (r.status === 'runtime error') return { unique_id: r.unique_id, error: errorMessage(r.error, r.message), status: r.status };
      return {
        unique_id: r.unique_id,
        max_loaded_at: r.max_loaded_at,
        snapshotted_at: r.snapshotted_at,
        max_loaded_at_time_ago_in_s: r.max_loaded_at_time_ago_in_s,
        status: r.status,
        criteria: { warn_after: rule(r.criteria.warn_after), error_after: rule(r.criteria.error_after), filter: r.criteria.filter ?? null },
        adapter_response: redactSecrets(r.adapter_response),
        timing: r.timing,
        thread_id: r.thread_id ?? null,
        execution_time: r.execution_time,
      };
    }),
    elapsed_time: meta.elapsed,
  };
}

/** Writes the file (creating its folder) beside and renames it into place; returns its path. */
export async function writeSourcesJson(file: string, results: readonly FreshnessResult[], meta: SourcesJsonMeta): Promise<string> {
  // Warehouse messages may quote a connection setting; secret values never reach the file.
  await writeFileAtomic(file, scrubSecrets(JSON.stringify(buildSourcesJson(results, meta), null, 2) + '\n'), 'the source freshness results');
  return file;
}
