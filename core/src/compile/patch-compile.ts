/**
 * A compile of a project where only model files were edited since the last compile: each edited model is
 * rendered again in a context built from the project file, the target and the macros alone (the partial-parse
 * snapshot vouches that nothing else changed), and when its render has the same shape as before
 * (patch-state.ts), only its manifest entry and compiled file can differ from what a full compile writes —
 * those are replaced and nothing else is read or written. Anything else (a render that fails, warns, reads
 * something volatile, a relation's attributes or an environment variable the last compile did not; a new
 * ref, source or config; a template that can reach the warehouse) declines, and the caller compiles in full,
 * which reports whatever there is.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DiagnosticBag } from '../errors.js';
import { writeChunksAtomicSync, writeFileAtomic } from '../fs-write.js';
import { StreamedFile } from '../streamed-file.js';
import type { Dialect } from '../adapter/types.js';
import type { ExecutableNode } from '../graph/types.js';
import { withoutBom } from '../project/discovery.js';
import type { LoadedProject, ProjectFile } from '../project/types.js';
import { INTERNAL_PACKAGE } from '../template/index.js';
import { textChecksum } from './build-nodes.js';
import { projectEngine, reachesIntrospection } from './project-engine.js';
import { macroResolver } from './macro-deps.js';
import { readPatchRecord, renderShape, restampPatchState, type PatchModel, type PatchRecord, type PatchState } from './patch-state.js';
import { TOKEN_PATTERN } from './relation.js';
import { reusableRender } from './render-cache.js';
import { RenderContext, type RelationResolver } from './render-context.js';
import { configCallArguments, type ConfigCallArguments } from './unrendered-config.js';

export interface PatchInput {
  targetDir: string;
  project: Pick<LoadedProject, 'root' | 'config' | 'target' | 'cliVars'>;
  dialect: Pick<Dialect, 'relationName' | 'quoteIdentifier'>;
  state: PatchState;
  /** The edited model files: absolute path and the bytes read. */
  edits: { file: string; bytes: Buffer }[];
  env: Record<string, string | undefined>;
  /** Environment variables the last compile read: a render that reads another declines. */
  envNames: ReadonlySet<string>;
  /** Called once the patch is certain, before its first write. Default: none. */
  beforeWrite?: () => void;
}

/** Thrown inside a render for a question only a full compile can answer. */
class Declined extends Error {}

/** An edited model, rendered and compiled again. */
interface Patched {
  id: string;
  rawCode: string;
  checksum: string;
  compiledCode: string;
  macros: string[];
}

/**
 * Patches target/ for `edits`: resolves with the fileStamp() of the manifest written, or undefined when the
 * edits cannot be patched (nothing was written then).
 */
export async function patchCompile(input: PatchInput): Promise<string | undefined> {
  const patched = renderEdits(input);
  if (!patched) return undefined;
  const manifestFile = path.join(input.targetDir, 'manifest.json');
  let manifest: StreamedFile;
  try {
    manifest = new StreamedFile(manifestFile);
  } catch {
    return undefined;
  }
  try {
    // The file opened must be the one the state describes (a compile running beside may have replaced it).
    if (manifest.stamp !== input.state.manifest) return undefined;
    const spliced = spliceManifest(manifest, patched, { invocation_id: randomUUID(), generated_at: new Date().toISOString() });
    if (!spliced) return undefined;
    input.beforeWrite?.();
    // The compiled files first: a patch stopped half-way leaves the last manifest, and no snapshot vouching for it.
    for (const [i, p] of patched.entries()) {
      const sql = p.compiledCode.endsWith('\n') ? p.compiledCode : `${p.compiledCode}\n`;
      await writeFileAtomic(path.join(input.targetDir, spliced.compiledPaths[i]!), sql, 'the compiled SQL');
    }
    const stamp = writeChunksAtomicSync(manifestFile, spliced.chunks(), 'the manifest', { folderExists: true });
    await restampPatchState(input.targetDir, input.state, stamp);
    return stamp;
  } finally {
    manifest.close();
  }
}

function renderEdits(input: PatchInput): Patched[] | undefined {
  const { state, project: settings } = input;
  const records = new Map<string, PatchRecord>();
  for (const { file } of input.edits) {
    const record = readPatchRecord(input.targetDir, state, file);
    if (!record) return undefined;
    records.set(file, record);
  }
  const models = new Map([...records.values()].map((r) => [r.id, r]));
  const macros: ProjectFile[] = [];
  try {
    for (const m of state.macros) macros.push({ ...m, contents: withoutBom(readFileSync(m.absPath, 'utf8')), checksum: '' });
  } catch {
    return undefined;
  }
  const project: LoadedProject = { ...settings, models: [], seeds: [], tests: [], macros, snapshots: [], schemaFiles: [], packages: [], diagnostics: [] };
  const declined = () => {
    throw new Declined();
  };
  const resolver: RelationResolver = {
    // A parse render asks these only when it reads a relation's attributes, which needs a second render.
    resolveRef: declined,
    relationOf: declined,
    resolveSource: (source, table, from) => models.get(from.unique_id)?.sources[`${source}:${table}`] ?? declined(),
  };
  const bag = new DiagnosticBag();
  const ctx = new RenderContext(project, (r) => input.dialect.relationName(r), resolver, bag, {
    invocationId: randomUUID(),
    runStartedAt: new Date(),
    env: input.env,
    quoteIdentifier: (name) => input.dialect.quoteIdentifier(name),
  });
  const engine = projectEngine(project, ctx);
  if (engine.diagnostics.length > 0) return undefined;
  const resolverOfMacros = macroResolver(
    engine.macros.map((m) => ({ unique_id: `macro.${m.packageName}.${m.name}`, name: m.name, package_name: m.packageName })),
    settings.config.name,
    INTERNAL_PACKAGE,
  );
  const out: Patched[] = [];
  for (const { file, bytes } of input.edits) {
    const { node, ...model } = records.get(file)!;
    const contents = withoutBom(bytes.toString('utf8'));
    // A render that would read the warehouse compiles with a connection (and its answers): a full compile.
    if (node.unique_id !== model.id || reachesIntrospection(contents, node.package_name, engine.macros, resolverOfMacros)) return undefined;
    node.raw_code = contents;
    node.checksum.checksum = textChecksum(contents);
    const body = renderModel(node, model, { engine, ctx, bag, envNames: input.envNames });
    if (body === undefined) return undefined;
    out.push({ id: node.unique_id, rawCode: contents, checksum: node.checksum.checksum, compiledCode: body, macros: resolverOfMacros.callsIn(contents, node.package_name) });
  }
  return out;
}

/** The model's compiled SQL when its render has the shape it had; undefined otherwise. */
function renderModel(
  node: ExecutableNode,
  model: PatchModel,
  { engine, ctx, bag, envNames }: { engine: ReturnType<typeof projectEngine>; ctx: RenderContext; bag: DiagnosticBag; envNames: ReadonlySet<string> },
): string | undefined {
  let configCall: ConfigCallArguments = [];
  const names = new Set<string>();
  const reads = { vars: new Map<string, string | undefined>(), env: new Map<string, string | undefined>() };
  let sql: string;
  try {
    const template = engine.compile(node.original_file_path, node.raw_code, node.package_name, (ast) => {
      configCall = configCallArguments(node.raw_code, ast);
    });
    engine.trackLookups(names);
    ctx.reads = reads;
    sql = engine.render(template, ctx.begin({ node, mode: 'parse' }));
  } catch {
    return undefined;
  } finally {
    engine.trackLookups(null);
    ctx.reads = null;
  }
  if (!reusableRender({ diagnosticsAdded: bag.items.length > 0, needsFinal: ctx.needsFinalRender, names })) return undefined;
  if ([...reads.env.keys()].some((name) => !envNames.has(name))) return undefined;
  if (renderShape({ refs: node.refs, sources: node.sources, config: ctx.inFileConfig, configCall }) !== model.shape) return undefined;
  let unknown = false;
  const body = sql.replace(TOKEN_PATTERN, (_, i: string) => {
    const text = model.tokens[ctx.tokenKeys[Number(i)]!];
    if (text === undefined) unknown = true;
    return text ?? '';
  });
  return unknown ? undefined : body;
}

/**
 * manifest.json with the patched models' entries and the metadata's invocation_id and generated_at replaced,
 * byte for byte as a full compile writes them (entries are re-serialized from the parsed old ones, whose
 * key order JSON.parse keeps); with each model's compiled_path. Undefined when an entry is not where and what
 * it should be. Only the metadata and the patched entries are parsed; `chunks()` streams the rest of the old
 * file, so a 40 MB manifest is never held in memory.
 */
function spliceManifest(
  manifest: StreamedFile,
  patched: readonly Patched[],
  metadata: { invocation_id: string; generated_at: string },
): { chunks: () => Iterable<Uint8Array>; compiledPaths: string[] } | undefined {
  const head = Buffer.from('{"metadata":');
  const nodesKey = Buffer.from(',"nodes":{');
  const nodesAt = manifest.indexOf(nodesKey, 0);
  if (nodesAt < 0 || !manifest.bytes(0, head.length).equals(head)) return undefined;
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(manifest.bytes(head.length, nodesAt - head.length).toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (!('invocation_id' in meta) || !('generated_at' in meta)) return undefined;
  meta.generated_at = metadata.generated_at;
  meta.invocation_id = metadata.invocation_id;
  const splices: { start: number; end: number; text: Buffer }[] = [];
  const compiledPaths: string[] = [];
  for (const p of patched) {
    const key = manifest.indexOf(Buffer.from(`${JSON.stringify(p.id)}:{`), nodesAt);
    if (key < 0) return undefined;
    const start = key + Buffer.byteLength(JSON.stringify(p.id)) + 1;
    const value = manifest.valueAt(start);
    if (!value) return undefined;
    let node: ExecutableNode;
    try {
      node = JSON.parse(value.toString('utf8')) as ExecutableNode;
    } catch {
      return undefined;
    }
    if (node.unique_id !== p.id || node.compiled_code === undefined || node.compiled_path === undefined || !node.depends_on || !node.checksum) return undefined;
    node.raw_code = p.rawCode;
    node.checksum.checksum = p.checksum;
    node.compiled_code = p.compiledCode;
    node.depends_on.macros = p.macros;
    splices.push({ start, end: start + value.length, text: Buffer.from(JSON.stringify(node)) });
    compiledPaths.push(node.compiled_path);
  }
  splices.sort((a, b) => a.start - b.start);
  if (splices.some((s, i) => i > 0 && s.start < splices[i - 1]!.end)) return undefined;
  function* chunks(): Generator<Uint8Array> {
    yield head;
    yield Buffer.from(JSON.stringify(meta));
    let at = nodesAt;
    for (const s of splices) {
      yield* manifest.range(at, s.start);
      yield s.text;
      at = s.end;
    }
    yield* manifest.range(at, manifest.size);
  }
  return { chunks, compiledPaths };
}
