/**
 * What reaches the terminal and the log file. Commands print with process.stdout/stderr.write as before;
 * this module sits in front of both streams: each line gets a level (from how xform prints it), lines under
 * the terminal's level are dropped (`-q`, `--log-level`), and every line, debug included, is appended to the
 * log file (`logs/xform.log`, as dbt's logs/dbt.log) with its time and level, secrets scrubbed. It also keeps a
 * run's live status line (setStatusLine) at the bottom of a terminal, below whatever else is printed.
 * Command results (ls, show, compile --inline) go through printResult and are never filtered.
 */
import { closeSync, fstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { scrubSecrets, XformError, didYouMeanHint } from '@xform/core';
import { XFORM_VERSION } from './version.js';
import { isProjectDir } from './project-root.js';
import { batchedWriter } from './batched-writer.js';
import { DEFAULT_LOG_FILE_MAX_BYTES, logFileMaxBytes, mustRollOver, rollOver } from './log-rotation.js';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'none'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['text', 'json', 'debug'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LogOptions {
  /** `-q`: errors only on the terminal (results still print). */
  quiet?: boolean;
  /** `--debug`: debug lines on the terminal too. */
  debug?: boolean;
  /** `--log-level`; default info. */
  logLevel?: string;
  /** `--log-path`: the folder of xform.log; default `<project>/logs`. */
  logPath?: string;
  /** `--log-format`; default text. */
  logFormat?: string;
  /** `--log-file-max-bytes`: the log rolls over before passing it (see log-rotation.ts). */
  logFileMaxBytes?: string;
  projectDir?: string;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, none: 4 };

interface State {
  threshold: LogLevel;
  format: LogFormat;
  fd: number | undefined;
  file: string | undefined;
  /** The log file's size as this process knows it (others may append too). */
  size: number;
  /** It rolls over before a write would take it past this many bytes (0: never). */
  maxBytes: number;
  started: number;
}

let state: State | undefined;
let bypass = false;
const ANSI = /\x1b\[[0-9;]*m/g;
/** Back to the start of the line and erase it (a terminal's live status line). */
const ERASE_LINE = '\r\x1b[2K';
/** The live status line shown at the bottom of the terminal, if any; see setStatusLine. */
let statusLine: string | undefined;

export function parseLogOptions(options: LogOptions): { threshold: LogLevel; format: LogFormat; maxBytes: number } {
  const format = (options.logFormat ?? 'text') as LogFormat;
  if (!LOG_FORMATS.includes(format)) throw badValue('--log-format', options.logFormat!, LOG_FORMATS);
  if (options.logLevel !== undefined && !(LOG_LEVELS as readonly string[]).includes(options.logLevel)) {
    throw badValue('--log-level', options.logLevel, LOG_LEVELS);
  }
  let threshold = (options.logLevel ?? 'info') as LogLevel;
  if (options.quiet === true && RANK[threshold] < RANK.error) threshold = 'error';
  if (options.debug === true) threshold = 'debug';
  const limit = logFileMaxBytes(options.logFileMaxBytes);
  if ('bad' in limit) {
    const example = limit.from.startsWith('--') ? `${limit.from} ${DEFAULT_LOG_FILE_MAX_BYTES}` : `${limit.from}=${DEFAULT_LOG_FILE_MAX_BYTES}`;
    throw new XformError('XFORM_BAD_ARGUMENT', `${limit.from} expects a number of bytes (0 for no limit), got '${limit.bad}'`, { hint: `e.g. ${example} (10 MB, the default)` });
  }
  return { threshold, format, maxBytes: limit.bytes };
}

function badValue(flag: string, value: string, allowed: readonly string[]): XformError {
  return new XformError('XFORM_BAD_ARGUMENT', `${flag} expects one of ${allowed.join(', ')}, got '${value}'`, { hint: didYouMeanHint(value, allowed) });
}

/** The log file's folder: --log-path, else `<project>/logs` when the folder is a project; else none. */
function logDir(options: LogOptions): string | undefined {
  if (options.logPath !== undefined) return path.resolve(options.logPath);
  const root = path.resolve(options.projectDir ?? '.');
  if (!isProjectDir(root)) return undefined;
  return path.join(root, 'logs');
}

/** Validates the logging flags, opens the log file and starts filtering both streams. */
export function startLogging(options: LogOptions, argv: readonly string[], command: string): void {
  const { threshold, format, maxBytes } = parseLogOptions(options);
  if (state) return;
  const dir = logDir(options);
  let fd: number | undefined;
  let file: string | undefined;
  let size = 0;
  if (dir !== undefined) {
    try {
      mkdirSync(dir, { recursive: true });
      file = path.join(dir, 'xform.log');
      fd = openSync(file, 'a');
      size = fstatSync(fd).size;
    } catch (err) {
      // A log that cannot be written never stops a command; say so once.
      process.stderr.write(`warning: cannot write the log file in ${dir}: ${(err as Error).message}\n`);
      file = undefined;
    }
  }
  state = { threshold, format, fd, file, size, maxBytes, started: performance.now() };
  // A command that ends without stopLogging (process.exit, an uncaught error) still leaves its lines.
  process.on('exit', flushLogFile);
  filterStream(process.stdout, 'stdout');
  filterStream(process.stderr, 'stderr');
  toFile('info', `${'='.repeat(20)} ${new Date().toISOString()} | xform ${argv.join(' ')} ${'='.repeat(20)}`);
  debug(`xform ${XFORM_VERSION} on node ${process.version}, running '${command}' in ${process.cwd()}`);
  if (file) debug(`log file: ${file}`);
}

/** Records how the command ended and closes the log file. */
export function stopLogging(exitCode: number): void {
  if (!state) return;
  debug(`finished in ${((performance.now() - state.started) / 1000).toFixed(2)}s with exit code ${exitCode}`);
  flushLogFile();
  if (state.fd !== undefined) closeSync(state.fd);
  state.fd = undefined;
}

/** A debug line: in the log file always, on the terminal (stderr) with --debug or --log-level debug. */
export function debug(message: string): void {
  if (!state) return;
  toFile('debug', message);
  if (RANK[state.threshold] === RANK.debug) {
    bypass = true;
    try {
      process.stderr.write(`${terminalLine('debug', message, state.format)}\n`);
    } finally {
      bypass = false;
    }
  }
}

/**
 * Whether a live status line may be drawn: stdout is a terminal showing info lines as plain text (not -q,
 * not --log-format json or debug).
 */
export function statusLineAllowed(): boolean {
  if (process.stdout.isTTY !== true || process.env.TERM === 'dumb') return false;
  return state === undefined || (state.format === 'text' && RANK[state.threshold] <= RANK.info);
}

/**
 * Shows `text` as the terminal's last line, rewritten in place (undefined erases it). Every other line printed
 * meanwhile, on stdout or stderr, erases it first and draws it again below. Never in the log file.
 */
export function setStatusLine(text: string | undefined): void {
  if (text === statusLine) return;
  const shown = statusLine !== undefined;
  statusLine = text;
  rawStdout(`${shown ? ERASE_LINE : ''}${text ?? ''}`);
}

function rawStdout(text: string): void {
  if (text === '') return;
  bypass = true;
  try {
    process.stdout.write(text);
  } finally {
    bypass = false;
  }
}

/** A command's result (ls lines, show's table, compile --inline's SQL): printed whatever the level. */
export function printResult(text: string): void {
  bypass = true;
  try {
    process.stdout.write(text);
  } finally {
    bypass = false;
  }
  toFile('info', text.replace(/\n$/, ''));
}

function toFile(level: LogLevel, text: string): void {
  toFileLines(text.split('\n').map((line) => [level, line]));
}

/** How long a log line may wait for others to be written with it. */
const LOG_BATCH_MS = 20;

/**
 * The log file's lines not written yet: a run logs each statement it sends, and a write each cost as much as
 * the run's own work for a fast node. Unreferenced: a command that is done never waits for the timer (the
 * exit handler and stopLogging write what is left).
 */
const logBatch = batchedWriter(
  (text) => {
    if (state?.fd === undefined) return;
    const bytes = Buffer.byteLength(text);
    if (mustRollOver(state.size, bytes, state.maxBytes)) rollLogOver(state);
    if (state.fd === undefined) return;
    try {
      writeSync(state.fd, text);
      state.size += bytes;
    } catch {
      // A full disk loses log lines, not the command.
    }
  },
  LOG_BATCH_MS,
  { unref: true },
);
const flushLogFile = logBatch.flush;

/** Closes the log, rolls it over (log-rotation.ts) and opens a new one; one that cannot be opened loses the lines. */
function rollLogOver(s: State): void {
  try {
    closeSync(s.fd!);
  } catch {
    // Closed already: the new one is opened all the same.
  }
  s.fd = undefined;
  rollOver(s.file!);
  try {
    s.fd = openSync(s.file!, 'a');
    s.size = fstatSync(s.fd).size;
  } catch {
    s.fd = undefined;
  }
}

/** Lines for the log file, written together at most LOG_BATCH_MS later (and when logging stops or the process exits). */
function toFileLines(lines: readonly [LogLevel, string][]): void {
  if (state?.fd === undefined || lines.length === 0) return;
  const ts = new Date().toISOString();
  const json = state.format === 'json';
  const out = lines.map(([level, line]) => {
    const msg = scrubSecrets(line.replace(ANSI, ''));
    return json ? JSON.stringify({ ts, level, msg }) : `${ts.slice(11, 23)} [${level.padEnd(5)}] ${msg}`;
  });
  logBatch.push(`${out.join('\n')}\n`);
}

function terminalLine(level: LogLevel, line: string, format: LogFormat): string {
  if (format === 'json') return line.startsWith('{') ? line : JSON.stringify({ ts: new Date().toISOString(), level, msg: line.replace(ANSI, '') });
  if (format === 'debug') return `${new Date().toISOString().slice(11, 23)} [${level.padEnd(5)}] ${line}`;
  return line;
}

/** The level of a line as xform prints it: diagnostics say `warning`/`error`, run lines say ERROR/FAIL/WARN. */
function levelOf(line: string, stream: 'stdout' | 'stderr', previous: LogLevel): LogLevel {
  const plain = line.replace(ANSI, '');
  // A run's "still running" line, aligned under the N of M column.
  if (stream === 'stdout' && /^\s*START\b/.test(plain)) return 'info';
  // Indented lines continue the line above (an error's hint, a node's failure message).
  if (/^\s/.test(plain) || plain === '' || plain.startsWith('This is a bug')) return previous;
  if (plain.startsWith('{')) return /"status":"(error|fail)"|"level":"error"/.test(plain) ? 'error' : /"status":"warn"/.test(plain) ? 'warn' : 'info';
  if (/^(\S+: )?warning\b/.test(plain)) return 'warn';
  if (/^(\S+: )?(error|internal error)\b|^\d+ errors$|^Finished with errors/.test(plain)) return 'error';
  // A run's closing block: dbt's "Completed with 1 error..." and each failure repeated under it.
  if (stream === 'stdout' && /^(Completed with [1-9]\d* error|(Error|Failure|Partial success) in )/.test(plain)) return 'error';
  if (stream === 'stdout' && /^(Completed with|Warning in )/.test(plain)) return 'warn';
  if (stream === 'stdout' && /^\s*\d+ of \d+\s+(ERROR|FAIL)\b/.test(plain)) return 'error';
  if (stream === 'stdout' && /^\s*\d+ of \d+\s+WARN\b/.test(plain)) return 'warn';
  return 'info';
}

function filterStream(stream: NodeJS.WriteStream, name: 'stdout' | 'stderr'): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  let previous: LogLevel = 'info';
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (bypass || typeof chunk !== 'string') return write(chunk, ...rest);
    // Lines printed under a live status line erase it, then draw it again after them.
    if (statusLine !== undefined && chunk !== '') {
      rawStdout(ERASE_LINE);
      try {
        return state ? filtered(state, chunk, rest) : write(chunk, ...rest);
      } finally {
        if (chunk.endsWith('\n')) rawStdout(statusLine);
      }
    }
    return state ? filtered(state, chunk, rest) : write(chunk, ...rest);
  }) as typeof stream.write;

  function filtered(s: State, chunk: string, rest: unknown[]): boolean {
    const lines = chunk.split('\n');
    const last = lines.pop()!;
    const kept: string[] = [];
    const logged: [LogLevel, string][] = [];
    for (const line of last === '' ? lines : [...lines, last]) {
      const level = levelOf(line, name, previous);
      previous = level;
      logged.push([level, line]);
      if (RANK[level] >= RANK[s.threshold]) kept.push(terminalLine(level, line, s.format));
    }
    toFileLines(logged);
    if (kept.length === 0) {
      // Callers waiting for the write's callback still get it.
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }
    return write(`${kept.join('\n')}${last === '' ? '\n' : ''}`, ...rest);
  }
}
