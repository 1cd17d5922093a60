/**
 * The render half of the partial-parse cache (`target/partial_parse_renders.json`): the first ("parse")
 * render of each model, snapshot and singular test — its SQL with relation tokens, refs, sources and
 * in-file config — kept with everything it read, so the next compile reuses it instead of rendering again.
 *
 * An entry stands only while all of these are the same as when it was rendered:
 * - the node before rendering (file contents, path, folder and schema-YAML config, description, columns);
 * - every name the render looked up outside its own context: each macro's source (a name that was no
 *   macro then must be none now, or a new macro would shadow a global; `pkg.name` for a package's), each
 *   adapter.dispatch search order, and `target`/`project_name`;
 * - the value of every var() and env_var() it read, and the relation of every source() it called;
 * - the xform build.
 * Renders that read the clock or the invocation (run_started_at, invocation_id, modules), logged, warned,
 * failed, or read a relation before names were final are never kept.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { encodedChunks, jsonObjectTexts, writeChunksAtomicSync } from '../fs-write.js';
import { envKey, hashEnvValue, readEnvKey } from '../partial-parse/env-key.js';
import { sha256 } from '../partial-parse/input-snapshot.js';
import { buildStamp } from '../partial-parse/snapshot-file.js';
import type { NodeConfig } from '../project/types.js';
import type { ExecutableNode, TestNode } from '../graph/types.js';
import type { TemplateEngine } from '../template/index.js';
import type { WrittenFiles } from './manifest.js';
import { TOKEN_END, TOKEN_PATTERN, TOKEN_START } from './relation.js';
import type { RenderContext } from './render-context.js';
import type { ConfigCallArguments } from './unrendered-config.js';

export const RENDER_CACHE_FILE = 'partial_parse_renders.json';
/** 2: env values are HMACs under the project's key (partial-parse/env-key.ts); 3: configCall; 4: runInvariant. */
const FORMAT = 4;
/** Names whose value differs between compiles, or whose use has effects a cached render would skip. */
const VOLATILE_NAMES: ReadonlySet<string> = new Set(['run_started_at', 'invocation_id', 'modules', 'log', 'print', 'exceptions']);
/** Run-wide values a render can read as plain data. */
const DATA_GLOBALS = new Set(['target', 'project_name']);
/** A relation token as the cache keeps it: its key (`ref::orders`) where this compile's has its index (TOKEN_PATTERN). */
const TOKEN_KEYED = /\u0001([^\u0002]*)\u0002/g;

export interface CachedRender {
  /** sha256 of the node before rendering. */
  node: string;
  /** The SQL with relation tokens as keys (`\u0001ref::orders\u0002`). */
  sql: string;
  refs: ExecutableNode['refs'];
  sources: ExecutableNode['sources'];
  config: NodeConfig;
  /** The arguments of the template's config() call, for unrendered_config (see unrendered-config.ts). */
  configCall: ConfigCallArguments;
  /** Name looked up -> what it was (macro source hash, data hash, or '' for a builtin/unknown name). */
  names: Record<string, string>;
  /** var() name -> JSON of its value ('' when undefined). */
  vars: Record<string, string>;
  /** env_var() name -> HMAC of its value under the project's key ('' when unset). */
  env: Record<string, string>;
  /** `source:table` -> the relation it rendered as. */
  relations: Record<string, string>;
  /** A run renders the node as this render did (see Compiler.renderForRun). */
  runInvariant: boolean;
}

/**
 * A render another thread of the same compile did (render-helpers.ts): the entry it would keep, and the
 * env_var() values it read as they were (compared with this compile's, then hashed when saved).
 */
export interface HelperRender {
  entry: CachedRender;
  env: [name: string, value: string | undefined][];
}

/** What the cache needs from the compile it serves. */
export interface RenderCacheHost {
  engine: TemplateEngine;
  ctx: RenderContext;
  env: Record<string, string | undefined>;
  /** The relation a source() call renders as (throws when unknown). */
  sourceRelation(source: string, table: string): string;
}

/** A render in progress: stop() ends tracking, keep() stores the result if it may be reused. */
export interface RenderRecording {
  stop(): void;
  keep(result: { sql: string; config: NodeConfig; configCall: ConfigCallArguments; diagnosticsAdded: boolean; needsFinal: boolean; runInvariant: boolean }): void;
}

export class RenderCache {
  private readonly next = new Map<string, CachedRender>();
  /** The compiled SQL files the compile that saved this cache wrote (see writeCompileArtifacts). */
  written: WrittenFiles = {};
  private host: RenderCacheHost | undefined;
  private readonly nameHashes = new Map<string, string>();
  /** How many renders were reused / done in the compile that used this cache, and how many of those a helper thread did. */
  reused = 0;
  rendered = 0;
  helped = 0;

  /** env_var() values read by this compile's fresh renders, by node: hashed only when saved, under the key on disk. */
  private readonly freshEnv = new Map<string, Map<string, string | undefined>>();
  /** Renders of this compile that a helper thread did, by unique_id (see adopt()). */
  private readonly fromHelpers = new Map<string, HelperRender>();

  private constructor(
    private readonly previous: Map<string, CachedRender>,
    /** What the previous compile wrote; pass it to writeCompileArtifacts and store its result in `written`. */
    readonly previouslyWritten: WrittenFiles = {},
    /** The key the previous entries' env values were hashed with. */
    private readonly previousKey?: string,
  ) {}

  static empty(): RenderCache {
    return new RenderCache(new Map());
  }

  /** The cache in `file`; empty when it is missing, unreadable, from another xform build or without its key. */
  static async load(file: string): Promise<RenderCache> {
    try {
      const key = readEnvKey(path.dirname(file));
      if (!key) return RenderCache.empty();
      const data = JSON.parse(await readFile(file, 'utf8')) as { format: number; build: string; entries: Record<string, CachedRender>; written?: WrittenFiles };
      if (data.format !== FORMAT || data.build !== buildStamp()) return RenderCache.empty();
      return new RenderCache(new Map(Object.entries(data.entries)), data.written ?? {}, key);
    } catch {
      return RenderCache.empty();
    }
  }

  async save(file: string): Promise<void> {
    const key = envKey(path.dirname(file));
    for (const [id, values] of this.freshEnv) {
      const entry = this.next.get(id);
      if (entry) entry.env = Object.fromEntries([...values].map(([n, v]) => [n, hashEnvValue(key, v) ?? '']));
    }
    // Every render reused, none dropped, the same files written: the file on disk already says all this.
    if (this.rendered === 0 && key === this.previousKey && this.next.size === this.previous.size && sameWritten(this.written, this.previouslyWritten) && existsSync(file)) return;
    // Reused entries were hashed under the key read at load; a key created since makes them unusable.
    const entries = key === this.previousKey ? this.next : new Map([...this.next].filter(([id]) => this.freshEnv.has(id)));
    const written = this.written;
    // The JSON of { format, build, entries, written }, a member at a time (10 MB for 10,000 models).
    function* members(): Generator<string> {
      yield `{"format":${FORMAT},"build":${JSON.stringify(buildStamp())},"entries":`;
      yield* jsonObjectTexts(entries);
      yield ',"written":';
      yield* jsonObjectTexts(Object.entries(written));
      yield '}';
    }
    writeChunksAtomicSync(file, encodedChunks(members()), 'the partial-parse cache');
  }

  attach(host: RenderCacheHost): void {
    this.host = host;
    this.nameHashes.clear();
  }

  /**
   * The SQL (tokens re-interned for this compile), in-file config and config() call of `node`'s reusable render,
   * if any: a helper thread's render of this compile (adopt()), else the previous compile's. `json` is
   * JSON.stringify(node) (or it in UTF-8) when the caller has it.
   */
  reuse(node: ExecutableNode | TestNode, json: string | Uint8Array = JSON.stringify(node)): { sql: string; config: NodeConfig; configCall: ConfigCallArguments; runInvariant: boolean } | undefined {
    const helped = this.fromHelpers.get(node.unique_id);
    if (helped) this.fromHelpers.delete(node.unique_id);
    const previous = this.previous.get(node.unique_id);
    if ((!helped && !previous) || !this.host) return undefined;
    const hash = sha256(json);
    let entry: CachedRender;
    if (helped && helped.entry.node === hash && this.stillValid(helped.entry, helped.env)) {
      entry = helped.entry;
      this.freshEnv.set(node.unique_id, new Map(helped.env));
      this.rendered++;
      this.helped++;
    } else if (previous && previous.node === hash && this.stillValid(previous)) {
      entry = previous;
      this.freshEnv.delete(node.unique_id);
      this.reused++;
    } else {
      return undefined;
    }
    const { ctx } = this.host;
    node.refs.push(...entry.refs);
    node.sources.push(...entry.sources);
    this.next.set(node.unique_id, entry);
    const sql = entry.sql.replace(TOKEN_KEYED, (_, key: string) => `${TOKEN_START}${ctx.tokenIndexOf(key)}${TOKEN_END}`);
    return { sql, config: entry.config, configCall: entry.configCall, runInvariant: entry.runInvariant };
  }

  /**
   * Offers a render of `uniqueId` that a helper thread of this compile did: reuse() takes it when the node and
   * everything the render read are the same here (the helper loaded the project on its own).
   */
  adopt(uniqueId: string, render: HelperRender): void {
    this.fromHelpers.set(uniqueId, render);
  }

  /** In a helper thread: this compile's fresh render of `uniqueId`, when it was kept. */
  helperRender(uniqueId: string): HelperRender | undefined {
    const entry = this.next.get(uniqueId);
    return entry && { entry, env: [...(this.freshEnv.get(uniqueId) ?? [])] };
  }

  /** This compile's render of `uniqueId` (reused or fresh) when it is kept for the next one: what it gave. */
  kept(uniqueId: string): Pick<CachedRender, 'refs' | 'sources' | 'config' | 'configCall'> | undefined {
    return this.next.get(uniqueId);
  }

  /**
   * Starts tracking what the render of `node` reads; `names` receives the names it looks up (the caller
   * has the engine track them: TemplateEngine.trackLookups). `json`: JSON.stringify(node) (or it in UTF-8)
   * when the caller has it.
   */
  record(node: ExecutableNode | TestNode, names: ReadonlySet<string>, json: string | Uint8Array = JSON.stringify(node)): RenderRecording {
    const host = this.host!;
    const before = sha256(json);
    host.ctx.reads = { vars: new Map(), env: new Map() };
    const reads = host.ctx.reads;
    this.rendered++;
    return {
      stop: () => {
        host.ctx.reads = null;
      },
      keep: (result) => {
        if (!reusableRender({ ...result, names })) return;
        const relations: Record<string, string> = {};
        try {
          for (const [source, table] of node.sources) relations[`${source}:${table}`] = host.sourceRelation(source, table);
        } catch {
          return;
        }
        this.next.set(node.unique_id, {
          node: before,
          sql: result.sql.replace(TOKEN_PATTERN, (_, i: string) => `${TOKEN_START}${host.ctx.tokenKeys[Number(i)]}${TOKEN_END}`),
          refs: node.refs.map((r) => ({ ...r })),
          sources: node.sources.map(([s, t]) => [s, t]),
          config: result.config,
          configCall: result.configCall,
          names: Object.fromEntries([...names].map((n) => [n, this.nameHash(n)])),
          vars: Object.fromEntries([...reads.vars].map(([n, v]) => [n, v ?? ''])),
          env: {},
          relations,
          runInvariant: result.runInvariant,
        });
        this.freshEnv.set(node.unique_id, new Map(reads.env));
      },
    };
  }

  /** `env`: the env_var() values a helper's render read (its entry has no hashes yet); default: entry.env. */
  private stillValid(entry: CachedRender, env?: HelperRender['env']): boolean {
    const host = this.host!;
    for (const [name, hash] of Object.entries(entry.names)) if (this.nameHash(name) !== hash) return false;
    for (const [name, json] of Object.entries(entry.vars)) if ((host.ctx.varJson(name) ?? '') !== json) return false;
    if (env) {
      for (const [name, value] of env) if (host.env[name] !== value) return false;
    } else {
      for (const [name, hash] of Object.entries(entry.env)) {
        if ((hashEnvValue(this.previousKey!, host.env[name]) ?? '') !== hash) return false;
      }
    }
    for (const [key, relation] of Object.entries(entry.relations)) {
      const colon = key.indexOf(':');
      try {
        if (host.sourceRelation(key.slice(0, colon), key.slice(colon + 1)) !== relation) return false;
      } catch {
        return false;
      }
    }
    return true;
  }

  /** What a looked-up name stands for now: a macro's source, a data global's value, or '' for anything else. */
  private nameHash(name: string): string {
    let hash = this.nameHashes.get(name);
    if (hash === undefined) {
      const host = this.host!;
      const macro = host.engine.lookupSource(name);
      if (macro !== undefined) hash = `m${sha256(macro)}`;
      else if (DATA_GLOBALS.has(name)) hash = `d${sha256(JSON.stringify(host.ctx.globals[name]))}`;
      else hash = '';
      this.nameHashes.set(name, hash);
    }
    return hash;
  }
}

/**
 * Whether a render may stand for a later compile's (kept here; patched by a patch compile): it reported
 * nothing, needed no second render, and looked up nothing volatile.
 */
export function reusableRender(render: { diagnosticsAdded: boolean; needsFinal: boolean; names: Iterable<string> }): boolean {
  if (render.diagnosticsAdded || render.needsFinal) return false;
  for (const name of render.names) if (VOLATILE_NAMES.has(name)) return false;
  return true;
}

function sameWritten(a: WrittenFiles, b: WrittenFiles): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    const x = a[key]!;
    const y = b[key];
    if (y === undefined || x[0] !== y[0] || x[1] !== y[1] || x[2] !== y[2]) return false;
  }
  return true;
}
