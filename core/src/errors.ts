/**
 * One error type for everything xform reports to a user. Each carries a stable `code` (checked instead of
 * `instanceof`, which breaks across duplicated package copies), an optional source location and a hint
 * (usually a "did you mean"). Only the CLI decides how to print an error and which exit code follows.
 */
export interface SourceLocation {
  /** Path of the file, relative to the project root where possible (posix separators). */
  file: string;
  /** 1-based line number. */
  line?: number;
  /** 1-based column number. */
  column?: number;
  /** For YAML files: the path of the offending key, e.g. `models[2].columns[0].tests`. */
  yamlPath?: string;
}

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  code: string;
  message: string;
  location?: SourceLocation;
  hint?: string;
}

export interface XformErrorOptions {
  location?: SourceLocation;
  hint?: string;
  cause?: unknown;
  /** Several problems reported together (e.g. every compile error of a project). */
  diagnostics?: Diagnostic[];
}

export class XformError extends Error {
  readonly code: string;
  readonly location?: SourceLocation;
  readonly hint?: string;
  readonly diagnostics: Diagnostic[];
  readonly isXformError = true;

  constructor(code: string, message: string, options: XformErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'XformError';
    this.code = code;
    this.location = options.location;
    this.hint = options.hint;
    this.diagnostics = options.diagnostics ?? [];
  }

  toDiagnostic(): Diagnostic {
    return { severity: 'error', code: this.code, message: this.message, location: this.location, hint: this.hint };
  }
}

export function isXformError(value: unknown): value is XformError {
  return typeof value === 'object' && value !== null && (value as { isXformError?: unknown }).isXformError === true;
}

/** Collects diagnostics so that a phase can report every problem at once instead of stopping at the first. */
export class DiagnosticBag {
  readonly items: Diagnostic[] = [];

  add(diagnostic: Diagnostic): void {
    this.items.push(diagnostic);
  }

  error(code: string, message: string, location?: SourceLocation, hint?: string): void {
    this.items.push({ severity: 'error', code, message, location, hint });
  }

  warning(code: string, message: string, location?: SourceLocation, hint?: string): void {
    this.items.push({ severity: 'warning', code, message, location, hint });
  }

  addError(err: unknown, fallbackLocation?: SourceLocation): void {
    if (isXformError(err)) {
      if (err.diagnostics.length > 0) this.items.push(...err.diagnostics);
      else this.items.push({ ...err.toDiagnostic(), location: err.location ?? fallbackLocation });
    } else {
      const message = err instanceof Error ? err.message : String(err);
      this.items.push({ severity: 'error', code: 'XFORM_INTERNAL', message, location: fallbackLocation });
    }
  }

  get errors(): Diagnostic[] {
    return this.items.filter((d) => d.severity === 'error');
  }

  get warnings(): Diagnostic[] {
    return this.items.filter((d) => d.severity === 'warning');
  }

  hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }

  /**
   * Throws one XformError carrying every error diagnostic, if there is any, followed by the warnings (an
   * unknown key is often why something required is missing).
   */
  throwIfErrors(code: string, summary: string): void {
    const errors = this.errors;
    if (errors.length === 0) return;
    const first = errors[0]!;
    const message = errors.length === 1 ? first.message : `${summary}: ${errors.length} errors`;
    throw new XformError(code, message, { location: first.location, hint: first.hint, diagnostics: [...errors, ...this.warnings] });
  }
}

/**
 * A bag in which diagnostics with one of `codes` are warnings even when reported as errors. An installed
 * package's misspelt keys are its author's to fix and must not stop the user's build.
 */
export class SofteningDiagnosticBag extends DiagnosticBag {
  constructor(private readonly codes: ReadonlySet<string>) {
    super();
  }

  override add(diagnostic: Diagnostic): void {
    super.add(diagnostic.severity === 'error' && this.codes.has(diagnostic.code) ? { ...diagnostic, severity: 'warning' } : diagnostic);
  }

  override error(code: string, message: string, location?: SourceLocation, hint?: string): void {
    this.add({ severity: 'error', code, message, location, hint });
  }
}

/** Damerau-free Levenshtein distance, bounded: returns `max + 1` as soon as the distance exceeds `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (cur[j]! < rowMin) rowMin = cur[j]!;
    }
    if (rowMin > max) return max + 1;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/**
 * The closest candidate to `name`, or undefined when nothing is close enough to be a plausible typo.
 * Case-insensitive; a candidate within a third of the name's length (at least 2 edits) qualifies.
 */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  const max = Math.max(2, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = max + 1;
  for (const candidate of candidates) {
    const d = editDistance(lower, candidate.toLowerCase(), bestDistance - 1 < 0 ? 0 : bestDistance);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
      if (d === 0) break;
    }
  }
  return bestDistance <= max ? best : undefined;
}

/** "did you mean 'x'?" text for a hint, or undefined. */
export function didYouMeanHint(name: string, candidates: Iterable<string>): string | undefined {
  const match = didYouMean(name, candidates);
  return match === undefined ? undefined : `did you mean '${match}'?`;
}

/**
 * Edit distance counting a swap of two neighbouring characters as one edit (`matrialized`, `tset`), as
 * typing mistakes usually are (optimal string alignment).
 */
export function typoDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1]!;
}

/**
 * The known name that `name` is very probably a misspelling of, or undefined. Stricter than didYouMean,
 * because a match turns an unknown key into an error: a name of up to 7 characters may be one edit away,
 * up to 12 characters two, longer names three (a swap of neighbours is one edit; case and `-`/`_` are
 * ignored). So `tets`, `colums`, `materialzed` and `data_test` qualify, while custom keys that only
 * resemble a known one (`data` and `meta`, `region` and `begin`, `resource_type` and `resource_tags`) do not. `Materialized` is a misspelling
 * of `materialized` (dbt's keys are case-sensitive).
 */
export function likelyTypo(name: string, candidates: Iterable<string>): string | undefined {
  const norm = (s: string) => s.toLowerCase().replaceAll('-', '_');
  const allowed = (length: number) => (length < 3 ? 0 : length <= 7 ? 1 : length <= 12 ? 2 : 3);
  const typed = norm(name);
  const words = typed.split('_');
  let best: string | undefined;
  let bestDistance = allowed(typed.length) + 1;
  for (const candidate of candidates) {
    const known = norm(candidate);
    if (Math.abs(known.length - typed.length) >= bestDistance) continue;
    const d = typoDistance(typed, known);
    if (d >= bestDistance) continue;
    // Word by word as well, when both have as many words: `resource_type` is not a typo of `resource_tags`.
    const knownWords = known.split('_');
    if (knownWords.length === words.length && words.some((w, i) => typoDistance(w, knownWords[i]!) > allowed(w.length))) continue;
    best = candidate;
    bestDistance = d;
  }
  return best;
}
