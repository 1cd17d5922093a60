/**
 * The patch half of the partial-parse cache: what a compile that re-renders only the model files edited
 * since the last compile (cli/src/patch-compile.ts) needs to produce exactly the manifest and compiled SQL a
 * full compile would, without loading the rest of the project.
 *
 * - `target/partial_parse_nodes.txt`: each patchable model as it stood before rendering (the node its
 *   template sees as `model`; its file's contents and checksum are replaced by the edited file's),
 *   with the shape of its render (refs, sources, in-file config, config() call: the parts other nodes and the
 *   graph depend on) and the text each relation it can render compiles to;
 * - `target/partial_parse_patch.json`: where each model's record is in that file, the macro files, and the
 *   stamps of the manifest and nodes file it was written with.
 *
 * A model is patchable when an edit that keeps its shape changes only its own manifest entry and compiled
 * file: a root-project model, enabled, not ephemeral and reading no ephemeral model, whose render the
 * partial-parse render cache keeps (it read nothing volatile, needed no second render, reported nothing).
 * A compile that warned leaves no patch state.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import { encodedChunks, fileStamp, jsonObjectTexts, writeChunksAtomicSync, writeFileAtomic } from '../fs-write.js';
import { buildStamp } from '../partial-parse/snapshot-file.js';
import type { ExecutableNode } from '../graph/types.js';
import type { NodeConfig, ProjectFile } from '../project/types.js';
import type { ConfigCallArguments } from './unrendered-config.js';

export const PATCH_STATE_FILE = 'partial_parse_patch.json';
export const PATCH_NODES_FILE = 'partial_parse_nodes.txt';
const FORMAT = 1;

/** What source() resolved to while rendering (the resolver's answer, kept whole). */
export interface SourceAnswer {
  database?: string;
  schema: string;
  identifier: string;
  unique_id?: string;
  event_time?: string;
}

export interface PatchModel {
  id: string;
  /** renderShape() of its parse render. */
  shape: string;
  /** Relation token key (`ref:<pkg>:<name>`, `this:<unique_id>`) -> the text it compiles to. */
  tokens: Record<string, string>;
  /** `source:table` -> what source() answered. */
  sources: Record<string, SourceAnswer>;
}

export type MacroFileRef = Pick<ProjectFile, 'path' | 'absPath' | 'rootDir' | 'packageName'>;

export interface PatchState {
  format: number;
  build: string;
  /** fileStamp() of the manifest.json and nodes file this state describes. */
  manifest: string;
  nodes: string;
  /** The project's macro files, in the compile's order (their contents are read again). */
  macros: MacroFileRef[];
  /**
   * Where each model's record is in the nodes file: a line `"<file>"\t<offset>\t<length>` per model file
   * (absolute path, JSON-quoted; byte offsets), after a newline. Text rather than an object: a patch looks
   * up one or two of 10,000 models, and parsing one string is far cheaper than parsing 10,000 entries.
   */
  index: string;
}

/** A model's record in the nodes file: PatchModel and the node before rendering. */
export type PatchRecord = PatchModel & { node: ExecutableNode };

/**
 * A compile's patch state before it is written: each model with its file, its node as JSON text, and its
 * `tokens` as JSON text too (tokensJson): an object per model whose first key is unique to it (`this:<id>`)
 * makes V8 build a hidden class per model, ~10 µs each.
 */
export interface PatchDraft {
  macros: MacroFileRef[];
  /** Read once, in order. */
  models: Iterable<PatchDraftModel>;
}

/** A model of a PatchDraft. `node`: its JSON as UTF-8 (see Utf8Store). */
export interface PatchDraftModel {
  file: string;
  model: Omit<PatchModel, 'tokens'> & { tokens: string };
  node: Uint8Array;
}

/**
 * Texts kept as UTF-8 outside the JavaScript heap, in buffers of about a megabyte: a compile that records its
 * patch holds every model's JSON before rendering (~1.6 KB each) until the end. As strings they were ~27 MB of
 * a 10,000-model compile's live heap (stored two bytes a character when one is not Latin-1), which every
 * garbage collection in between copied or marked.
 */
export class Utf8Store {
  private buffer = Buffer.alloc(0);
  private used = 0;

  constructor(private readonly chunkBytes = 1 << 20) {}

  /** `text` as UTF-8: a view of the store's memory. */
  add(text: string): Uint8Array {
    const room = this.buffer.length - this.used;
    if (text.length * 3 > room && Buffer.byteLength(text) > room) {
      this.buffer = Buffer.allocUnsafeSlow(Math.max(this.chunkBytes, Buffer.byteLength(text)));
      this.used = 0;
    }
    const start = this.used;
    this.used += this.buffer.write(text, start);
    return this.buffer.subarray(start, this.used);
  }
}

/** PatchModel.tokens as JSON text, from its entries (a key given twice is written once, with its first value). */
export function tokensJson(entries: Iterable<[key: string, text: string]>): string {
  const first = new Map<string, string>();
  for (const [key, text] of entries) if (!first.has(key)) first.set(key, text);
  return [...jsonObjectTexts(first)].join('');
}

/** The parts of a parse render that other nodes, the graph and the node's config depend on (as JSON). */
export function renderShape(render: { refs: ExecutableNode['refs']; sources: ExecutableNode['sources']; config: NodeConfig; configCall: ConfigCallArguments }): string {
  return JSON.stringify([render.refs, render.sources, render.config, render.configCall]);
}

/** The nodes file as written, and what the state that names it needs. */
export interface WrittenPatchNodes {
  /** fileStamp() of the nodes file. */
  nodes: string;
  index: string;
  macros: MacroFileRef[];
}

/**
 * Writes the draft's nodes file (aside, then renamed into `targetDir`), each record encoded straight into a
 * reused buffer of about a megabyte that is written when full (encodedChunks): the 16 MB file of a
 * 10,000-model project never exists in memory, as one string or as pieces (measured: held as pieces, the
 * patch state added ~55 MB to the compile's peak memory). The draft is not needed afterwards. Throws an
 * XformError when it cannot write. `bufferBytes` is smaller only in tests.
 */
export function writePatchNodes(targetDir: string, draft: PatchDraft, bufferBytes = 1 << 20): WrittenPatchNodes {
  const index: string[] = [''];
  function* records(): Generator<string | Uint8Array> {
    let offset = 0;
    // PatchRecord's members in order, each model's JSON texts as they are.
    for (const { file, model, node } of draft.models) {
      const head = `{"id":${JSON.stringify(model.id)},"shape":${JSON.stringify(model.shape)},"tokens":${model.tokens},"sources":${JSON.stringify(model.sources)},"node":`;
      const length = Buffer.byteLength(head) + node.byteLength + 1;
      index.push(`${JSON.stringify(file)}\t${offset}\t${length}`);
      offset += length;
      yield head;
      yield node;
      yield '}';
    }
  }
  const nodes = writeChunksAtomicSync(path.join(targetDir, PATCH_NODES_FILE), encodedChunks(records(), bufferBytes), 'the partial-parse cache');
  return { nodes, index: `${index.join('\n')}\n`, macros: draft.macros };
}

/**
 * Once the manifest is written (`manifestStamp` resolves; a compile that fails before never resolves it),
 * writes the state naming it and the nodes file written before.
 */
export async function writePatchState(targetDir: string, written: WrittenPatchNodes, manifestStamp: Promise<string>): Promise<void> {
  const { nodes, index, macros } = written;
  const state: PatchState = { format: FORMAT, build: buildStamp(), manifest: await manifestStamp, nodes, macros, index };
  await writeFileAtomic(path.join(targetDir, PATCH_STATE_FILE), JSON.stringify(state), 'the partial-parse cache', { folderExists: true });
}

/** The same state for a manifest a patch compile wrote (the nodes before rendering are unchanged by an edit). */
export async function restampPatchState(targetDir: string, state: PatchState, manifestStamp: string): Promise<void> {
  await writeFileAtomic(path.join(targetDir, PATCH_STATE_FILE), JSON.stringify({ ...state, manifest: manifestStamp }), 'the partial-parse cache', { folderExists: true });
}

/** The patch state in `targetDir` when it still describes the manifest and nodes file there; else undefined. */
export function readPatchState(targetDir: string): PatchState | undefined {
  let state: PatchState;
  try {
    state = JSON.parse(readFileSync(path.join(targetDir, PATCH_STATE_FILE), 'utf8')) as PatchState;
  } catch {
    return undefined;
  }
  if (state.format !== FORMAT || state.build !== buildStamp()) return undefined;
  if (fileStamp(path.join(targetDir, 'manifest.json')) !== state.manifest) return undefined;
  if (fileStamp(path.join(targetDir, PATCH_NODES_FILE)) !== state.nodes) return undefined;
  return state;
}

/** Where the index line of the model in `file` (absolute path) starts, up to its offset (see PatchState.index). */
const indexKey = (file: string) => `\n${JSON.stringify(file)}\t`;

/** Whether the state has a record for the model in `file` (absolute path). */
export function patchable(state: PatchState, file: string): boolean {
  return state.index.includes(indexKey(file));
}

/** The record of the model in `file` (absolute path), or undefined when there is none or it cannot be read. */
export function readPatchRecord(targetDir: string, state: PatchState, file: string): PatchRecord | undefined {
  const key = indexKey(file);
  const at = state.index.indexOf(key);
  if (at < 0) return undefined;
  const [offset, length] = state.index.slice(at + key.length, state.index.indexOf('\n', at + key.length)).split('\t').map(Number) as [number, number];
  const bytes = Buffer.alloc(length);
  let fd: number | undefined;
  try {
    fd = openSync(path.join(targetDir, PATCH_NODES_FILE), 'r');
    if (readSync(fd, bytes, 0, length, offset) !== length) return undefined;
    return JSON.parse(bytes.toString('utf8')) as PatchRecord;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
