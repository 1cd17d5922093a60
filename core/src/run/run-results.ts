/**
 * target/run_results.json in dbt's shape, so that tools reading dbt artifacts (and people used to them) find
 * the familiar keys. Secrets never reach the file: argument and adapter-response keys that look like
 * credentials are redacted before writing.
 */
import path from 'node:path';
import { writeFileAtomic } from '../fs-write.js';
import { scrubSecrets } from '../secrets.js';
import type { RunResult } from './scheduler.js';

export const RUN_RESULTS_SCHEMA = 'https://schemas.getdbt.com/dbt/run-results/v6.json';

export interface RunResultsMeta {
  invocationId: string;
  /** When the run finished. */
  generatedAt: Date | string;
  /** Seconds the whole invocation took. */
  elapsed: number;
  /** The command line as parsed options (`{ which: 'run', select: [...], threads: 4 }`). */
  args: Record<string, unknown>;
  /** xform's version for metadata; default '0.0.0'. */
  xformVersion?: string;
}

export interface RunResultsFile {
  metadata: {
    dbt_schema_version: string;
    xform_version: string;
    generated_at: string;
    invocation_id: string;
    env: Record<string, string>;
  };
  results: {
    unique_id: string;
    status: string;
    timing: RunResult['timing'];
    thread_id: string | null;
    execution_time: number;
    adapter_response: Record<string, unknown>;
    message: string | null;
    failures: number | null;
    rows_affected: number | null;
    relation_name: string | null;
    /** Microbatch models only (dbt's key). */
    batch_results?: RunResult['batch_results'];
  }[];
  elapsed_time: number;
  args: Record<string, unknown>;
}

const SECRET_KEY = /password|passphrase|secret|token|private_?key|keyfile|api_?key|credential/i;

/** Deep copy with credential-looking keys replaced by "[redacted]". */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      out[key] = SECRET_KEY.test(key) && v !== undefined && v !== null ? '[redacted]' : redactSecrets(v);
    }
    return out;
  }
  return value;
}

export function buildRunResults(results: RunResult[], meta: RunResultsMeta): RunResultsFile {
  const generatedAt = typeof meta.generatedAt === 'string' ? meta.generatedAt : meta.generatedAt.toISOString();
  return {
    metadata: {
      dbt_schema_version: RUN_RESULTS_SCHEMA,
      xform_version: meta.xformVersion ?? '0.0.0',
      generated_at: generatedAt,
      invocation_id: meta.invocationId,
      env: {},
    },
    results: results.map((r) => ({
      unique_id: r.unique_id,
      status: r.status,
      timing: r.timing,
      thread_id: r.thread_id ?? null,
      execution_time: r.execution_time,
      adapter_response: redactSecrets(r.adapter_response) as Record<string, unknown>,
      message: r.message ?? null,
      failures: r.failures ?? null,
      rows_affected: r.rows_affected ?? null,
      relation_name: r.relation_name ?? null,
      ...(r.batch_results ? { batch_results: r.batch_results } : {}),
    })),
    elapsed_time: meta.elapsed,
    args: redactSecrets(meta.args) as Record<string, unknown>,
  };
}

/**
 * Writes `<targetDir>/run_results.json` (creating the directory) and returns its path. The file is written
 * beside and renamed into place so that a reader never sees half a file.
 */
export async function writeRunResults(
  targetDir: string,
  results: RunResult[],
  meta: RunResultsMeta,
  /** Completes the file before it is written (`xform retry` adds what the previous run settled). */
  finish: (file: RunResultsFile) => RunResultsFile = (file) => file,
): Promise<string> {
  const file = path.join(targetDir, 'run_results.json');
  // Warehouse messages may quote a connection setting; secret values never reach the file.
  await writeFileAtomic(file, scrubSecrets(JSON.stringify(finish(buildRunResults(results, meta)), null, 2) + '\n'), 'the run results');
  return file;
}
