/**
 * `--state DIR`: the artifacts of an earlier invocation (usually production's `target/` folder) that
 * state-aware selection, `--defer` and `xform clone` compare against. Only manifest.json is required;
 * run_results.json feeds `result:` and sources.json `source_status:`.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { XformError } from '../errors.js';
import type { Manifest } from '../compile/manifest.js';

export interface StateResult {
  unique_id: string;
  status: string;
}

export interface StateFreshness {
  unique_id: string;
  status?: string;
  /** Absent when the source's freshness check errored. */
  max_loaded_at?: string;
}

export interface PreviousState {
  /** The folder as given, resolved. */
  dir: string;
  manifest: Manifest;
  /** run_results.json of the state, when it has one. */
  results?: StateResult[];
  /** sources.json of the state, when it has one. */
  sources?: StateFreshness[];
  /** sources.json of the current target folder (what `source_status:` compares the state's with). */
  currentSources?: StateFreshness[];
}

/**
 * Reads the state folder. A missing folder, a folder without manifest.json or an unreadable artifact is
 * XFORM_STATE_NOT_FOUND / XFORM_STATE_INVALID naming the path.
 */
export async function loadPreviousState(dir: string, options: { currentTargetDir?: string } = {}): Promise<PreviousState> {
  const resolved = path.resolve(dir);
  const info = await stat(resolved).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) {
    throw new XformError('XFORM_STATE_NOT_FOUND', `--state ${dir}: no such folder (${resolved})`, {
      hint: 'give the target/ folder of an earlier run (with its manifest.json), e.g. production artifacts downloaded in CI',
    });
  }
  const manifest = await readArtifact<Manifest>(resolved, 'manifest.json', true);
  if (typeof manifest?.nodes !== 'object' || manifest.nodes === null || typeof manifest.sources !== 'object') {
    throw new XformError('XFORM_STATE_INVALID', `--state ${dir}: ${path.join(resolved, 'manifest.json')} is not a manifest (no nodes/sources)`, {
      hint: 'the state folder must hold the manifest.json that xform (or dbt) wrote into target/',
    });
  }
  manifest.macros ??= {};
  const runResults = await readArtifact<{ results?: StateResult[] }>(resolved, 'run_results.json', false);
  const sources = await readArtifact<{ results?: StateFreshness[] }>(resolved, 'sources.json', false);
  const current = options.currentTargetDir === undefined ? undefined : await readArtifact<{ results?: StateFreshness[] }>(options.currentTargetDir, 'sources.json', false);
  return { dir: resolved, manifest, results: runResults?.results, sources: sources?.results, currentSources: current?.results };
}

async function readArtifact<T>(dir: string, name: string, required: boolean): Promise<T | undefined> {
  const file = path.join(dir, name);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    if (!required && missing) return undefined;
    const why = missing ? `${dir} has no ${name}` : `cannot read ${file}: ${(err as Error).message}`;
    throw new XformError('XFORM_STATE_NOT_FOUND', `--state: ${why}`, {
      hint: 'the state folder must hold the manifest.json of an earlier run (xform compile/run/build write it into target/)',
    });
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new XformError('XFORM_STATE_INVALID', `--state: ${file} is not valid JSON: ${(err as Error).message}`, { location: { file } });
  }
}
