/**
 * What is left of a figure: one more run of the process it timed, under V8's CPU profiler (Node writes a
 * .cpuprofile per thread) and a memory probe (mem-probe.mjs), summed up as where each thread's time went
 * (own time, and time with callees) and what the main thread was doing when the process held the most memory;
 * for a run that queries a warehouse, whose time is mostly the warehouse's, the slowest statements it logged.
 * The profiles stay on disk for Chrome DevTools (Performance tab, "Load profile"). A profiled run is slower
 * and larger than a measured one (the profilers cost their share): it says where the time and memory go, the
 * table says how much.
 */
import { mkdir, open, readFile, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { timeNode } from './measure.mjs';

const MEM_PROBE = fileURLToPath(new URL('./mem-probe.mjs', import.meta.url));
const MEMORY_FILE = 'memory.json';
/** V8's pseudo-frames: not code of ours, but what the thread did meanwhile. */
const PSEUDO = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);
const ROWS = { self: 12, total: 14, worker: 5 };

/**
 * Runs `node <script> ...args` in `cwd` under the profilers, writing into `dir` (emptied first); throws when
 * it fails, with its output. Resolves with the summary (summarizeProfiles), and the statements the run
 * logged to `<cwd>/logs/xform.log` (the CLI's debug log), slowest first.
 */
export async function profileNode(script, args, { cwd, env, dir }) {
  const log = path.join(cwd, 'logs', 'xform.log');
  const logged = (await stat(log).catch(() => undefined))?.size ?? 0;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const run = await timeNode(script, args, {
    cwd,
    env: { ...env, XFORM_BENCH_MEM_FILE: path.join(dir, MEMORY_FILE) },
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', MEM_PROBE],
  });
  const summary = await summarizeProfiles(dir, run.ms);
  const statements = loggedStatements(await readFrom(log, logged));
  return statements.count > 0 ? { ...summary, statements } : summary;
}

/** What `file` holds from byte `offset` on ('' when there is no such file). */
async function readFrom(file, offset) {
  const handle = await open(file, 'r').catch(() => undefined);
  if (handle === undefined) return '';
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.max(0, size - offset));
    await handle.read(buffer, 0, buffer.length, offset);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}

const LOG_LINE = /^(\d\d):(\d\d):(\d\d)\.(\d{3}) \[\w+ *\] (.*)$/;
const SQL_LINE = /^SQL(?: \(([^)]*)\))?: (.*)$/;
const STATEMENT_ROWS = 6;

/**
 * The statements in a stretch of the debug log (`SQL (<node>): <text>` lines, each followed by the rest of
 * its text at the same time stamp), each timed from its line to the next line logged later: exact when one
 * statement runs at a time, as in a single model's run. The slowest, with their count and total.
 */
export function loggedStatements(text) {
  const lines = [];
  let previous = -1;
  let day = 0;
  for (const line of text.split('\n')) {
    const m = LOG_LINE.exec(line);
    if (!m) continue;
    let ms = ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]) + day;
    // Past midnight: the clock starts again.
    if (ms < previous) {
      day += 86_400_000;
      ms += 86_400_000;
    }
    previous = ms;
    lines.push({ ms, text: m[5] });
  }
  const statements = [];
  for (let i = 0; i < lines.length; i++) {
    const sql = SQL_LINE.exec(lines[i].text);
    if (!sql) continue;
    const text = [sql[2]];
    let j = i + 1;
    for (; j < lines.length && lines[j].ms === lines[i].ms && !SQL_LINE.test(lines[j].text); j++) text.push(lines[j].text);
    // The last line of the log: nothing says when it ended.
    if (j >= lines.length) continue;
    statements.push({ ms: lines[j].ms - lines[i].ms, node: sql[1] ?? '', sql: text.join(' ').trim().replace(/\s+/g, ' ').slice(0, 100) });
  }
  const slowest = [...statements].sort((a, b) => b.ms - a.ms).slice(0, STATEMENT_ROWS);
  return { count: statements.length, totalMs: statements.reduce((sum, s) => sum + s.ms, 0), slowest };
}

/** One .cpuprofile as samples: for each, its stack (node ids, root first) and its time. */
function readCpuProfile(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const stackOf = new Map();
  const stack = (id) => {
    let known = stackOf.get(id);
    if (known === undefined) {
      const up = parent.get(id);
      known = up === undefined ? [id] : [...stack(up), id];
      stackOf.set(id, known);
    }
    return known;
  };
  // A sample's time is the gap to the next one (V8's own convention for self time).
  const samples = [];
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    const next = i + 1 < profile.samples.length ? (profile.timeDeltas[i + 1] ?? 0) : Math.max(0, profile.endTime - at);
    samples.push({ atUs: at, ms: next / 1000, stack: stack(profile.samples[i]) });
  }
  return { byId, samples, startUs: profile.startTime, endUs: profile.endTime };
}

function frameName(node) {
  return node.callFrame.functionName || '(anonymous)';
}

function frameWhere(node) {
  const { url, lineNumber } = node.callFrame;
  return url ? `${path.basename(url)}:${lineNumber + 1}` : '';
}

/** A thread's time: busy (not idle), own time by frame, and time with callees by function (counted once a stack). */
function threadTimes({ byId, samples }) {
  const self = new Map();
  const total = new Map();
  let busyMs = 0;
  let idleMs = 0;
  for (const { ms, stack } of samples) {
    const leaf = byId.get(stack.at(-1));
    if (frameName(leaf) === '(idle)') {
      idleMs += ms;
      continue;
    }
    busyMs += ms;
    const key = `${frameName(leaf)}\0${frameWhere(leaf)}`;
    self.set(key, (self.get(key) ?? 0) + ms);
    const seen = new Set();
    for (const id of stack) {
      const node = byId.get(id);
      const name = frameName(node);
      // Node's own plumbing (module loading, the event loop's ticks) frames everything and says nothing.
      if (PSEUDO.has(name) || name === '(anonymous)' || node.callFrame.url.startsWith('node:') || seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + ms);
    }
  }
  const rows = (map) => [...map].sort((a, b) => b[1] - a[1]);
  return {
    busyMs,
    idleMs,
    self: rows(self).map(([key, ms]) => {
      const [name, where] = key.split('\0');
      return { name, where, ms: Math.round(ms) };
    }),
    // Functions that frame (nearly) all the busy time are the command's entry points: they say nothing.
    total: rows(total)
      .filter(([, ms]) => ms < 0.9 * busyMs)
      .map(([name, ms]) => ({ name, ms: Math.round(ms) })),
  };
}

/** The named frames of ours on the stack the main thread was in at `atUs` (outermost first). */
function stackAt({ byId, samples }, atUs) {
  let best;
  for (const s of samples) {
    if (best === undefined || Math.abs(s.atUs - atUs) < Math.abs(best.atUs - atUs)) best = s;
  }
  if (best === undefined) return [];
  const names = best.stack.map((id) => byId.get(id)).filter((n) => !n.callFrame.url.startsWith('node:') && frameName(n) !== '(anonymous)' && frameName(n) !== '(root)');
  return names.map(frameName);
}

/** Node names them CPU.<date>.<time>.<pid>.<thread id>.<sequence>.cpuprofile; thread 0 is the main thread. */
function threadIdOf(file) {
  return Number(file.split('.').at(-3));
}

/**
 * The profiles and memory record in `dir` (profileNode), summed up: per thread (main first) its busy and idle
 * time, own time by frame and time with callees by function; the peak resident set, when it was reached, what
 * the main thread was running then and how many threads were alive; the main thread's heap at its largest
 * (before a collection), by space, and the collections' cost by kind.
 */
export async function summarizeProfiles(dir, wallMs) {
  const memory = JSON.parse(await readFile(path.join(dir, MEMORY_FILE), 'utf8'));
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
  const threads = [];
  for (const file of files) {
    const threadId = threadIdOf(file);
    if (threadId === memory.samplerThreadId) continue;
    const parsed = readCpuProfile(JSON.parse(await readFile(path.join(dir, file), 'utf8')));
    threads.push({ file, threadId, main: threadId === 0, parsed, ...threadTimes(parsed) });
  }
  threads.sort((a, b) => a.threadId - b.threadId);
  const main = threads.find((t) => t.main);
  if (main === undefined) throw new Error(`no profile of the main thread in ${dir}`);
  // No reading: the process was done before the sampler's first one (an answer from the short cut).
  const sampled = memory.peak.readings > 0;
  const peakAt = memory.peak.atUs;
  const heapPeak = memory.collections.reduce((best, c) => (best === undefined || c.usedBytes > best.usedBytes ? c : best), undefined);
  const gcCost = {};
  for (const c of memory.collections) {
    gcCost[c.type] ??= { count: 0, ms: 0 };
    gcCost[c.type].count += 1;
    gcCost[c.type].ms += c.costUs / 1000;
  }
  for (const cost of Object.values(gcCost)) cost.ms = Math.round(cost.ms);
  return {
    dir,
    wallMs: Math.round(wallMs),
    threads: threads.map(({ file, threadId, main: isMain, busyMs, idleMs, self, total }) => ({
      file,
      threadId,
      main: isMain,
      busyMs: Math.round(busyMs),
      idleMs: Math.round(idleMs),
      self: self.slice(0, isMain ? ROWS.self : ROWS.worker),
      ...(isMain ? { total: total.slice(0, ROWS.total) } : {}),
    })),
    memory: {
      peakRssMb: Math.round(memory.maxRssKb / 1024),
      ...(sampled
        ? {
            sampledPeakRssMb: Math.round(memory.peak.rssBytes / 2 ** 20),
            atMs: Math.round((peakAt - main.parsed.startUs) / 1000),
            mainStack: stackAt(main.parsed, peakAt),
            threadsAlive: threads.filter((t) => t.parsed.startUs <= peakAt && peakAt <= t.parsed.endUs).length,
          }
        : {}),
      heapPeak:
        heapPeak === undefined
          ? undefined
          : {
              usedMb: mb(heapPeak.usedBytes),
              externalMb: mb(heapPeak.externalBytes),
              spacesMb: Object.fromEntries(
                Object.entries(heapPeak.spaces)
                  .filter(([, bytes]) => bytes >= 2 ** 20)
                  .sort((a, b) => b[1] - a[1])
                  .map(([space, bytes]) => [space, mb(bytes)]),
              ),
            },
      collections: gcCost,
    },
  };
}

const mb = (bytes) => Math.round((bytes / 2 ** 20) * 10) / 10;

/** The summary as indented lines of text, for the report under the table. */
export function formatProfile(summary, cwd = process.cwd()) {
  const lines = [];
  const pct = (ms, of) => `${Math.round((100 * ms) / Math.max(1, of))}%`.padStart(4);
  const main = summary.threads.find((t) => t.main);
  const others = summary.threads.filter((t) => !t.main);
  lines.push(
    `one profiled run: ${(summary.wallMs / 1000).toFixed(2)} s; main thread busy ${(main.busyMs / 1000).toFixed(2)} s, idle ${(main.idleMs / 1000).toFixed(2)} s` +
      (others.length ? `; ${others.length} more thread${others.length === 1 ? '' : 's'} busy ${others.map((t) => `${(t.busyMs / 1000).toFixed(2)} s`).join(', ')}` : ''),
  );
  lines.push('main thread, own time:');
  for (const f of main.self) lines.push(`  ${String(f.ms).padStart(6)} ms ${pct(f.ms, main.busyMs)}  ${f.name}${f.where ? `  ${f.where}` : ''}`);
  lines.push('main thread, with callees:');
  for (const f of main.total) lines.push(`  ${String(f.ms).padStart(6)} ms ${pct(f.ms, main.busyMs)}  ${f.name}`);
  for (const t of others) {
    lines.push(`thread ${t.threadId}, own time: ${t.self.map((f) => `${f.name} ${f.ms} ms`).join(', ')}`);
  }
  const m = summary.memory;
  if (m.atMs === undefined) {
    lines.push(`peak RSS ${m.peakRssMb} MB (the process ended before the sampler's first reading)`);
  } else {
    const doing = m.mainStack.length ? m.mainStack.slice(-4).join(' > ') : 'nothing of ours';
    lines.push(`peak RSS ${m.peakRssMb} MB; the largest reading (${m.sampledPeakRssMb} MB) at ${(m.atMs / 1000).toFixed(2)} s, ${m.threadsAlive} thread${m.threadsAlive === 1 ? '' : 's'} running, main thread in ${doing}`);
  }
  if (m.heapPeak) {
    const spaces = Object.entries(m.heapPeak.spacesMb).map(([space, size]) => `${space} ${size}`).join(', ');
    lines.push(`main thread's heap at its largest: ${m.heapPeak.usedMb} MB (${spaces}), external ${m.heapPeak.externalMb} MB`);
  }
  const gc = Object.entries(m.collections).map(([type, c]) => `${c.count} ${type} ${c.ms} ms`).join(', ');
  if (gc) lines.push(`collections: ${gc}`);
  if (summary.statements) {
    const { count, totalMs, slowest } = summary.statements;
    lines.push(`statements logged: ${count}, ${totalMs} ms in all (each until the next line of logs/xform.log); the slowest:`);
    for (const s of slowest) lines.push(`  ${String(s.ms).padStart(6)} ms  ${s.node ? `${s.node}: ` : ''}${s.sql}`);
  }
  lines.push(`profiles: ${path.relative(cwd, summary.dir) || '.'}`);
  return lines;
}
