/**
 * Loads an adapter package by the profile's `type` (`postgres` -> `@xform/adapter-postgres`), so that core
 * never depends on a driver and a project installs only the adapters it uses.
 */
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { XformError } from '../errors.js';
import type { TargetConfig } from '../project/types.js';
import type { Adapter, AdapterFactory, AdapterFactoryOptions, Dialect } from './types.js';

export interface LoadAdapterOptions {
  /**
   * Folders the adapter package is looked up from, in order (node_modules resolution upwards from each).
   * Default: the project root, then the folder of the running program (the installed xform CLI); then
   * the adapters the program registered (registerBuiltInAdapters); the last resort is a plain `import()`
   * from core's own location.
   */
  searchPaths?: string[];
}

/** A module the running program carries, and where its package lies when it is also one on disk. */
interface Carried {
  load: () => Promise<unknown>;
  packageDir?: string;
}

/**
 * Adapters the running program ships with, by target type: the xform CLI registers the four it depends on,
 * so that its bundle (scripts/pack-cli.mjs), where they are not packages of their own, still finds them.
 */
const builtIn = new Map<string, Carried>();

/**
 * Registers adapter modules the program carries. An adapter package installed in the project (found from
 * the project root) still wins over a built-in one, so that a project can pin its own adapter version.
 * `packageDirs`: for a program that carries a copy of adapter packages found on disk (the workspace's
 * one-file bundle, scripts/bundle-workspace.mjs), their folders: the package found there is the carried
 * one, loaded from the program, so that it shares the program's copy of xform's core.
 */
export function registerBuiltInAdapters(adapters: Record<string, () => Promise<unknown>>, packageDirs: Record<string, string> = {}): void {
  for (const [type, load] of Object.entries(adapters)) builtIn.set(type, { load, packageDir: packageDirs[type] });
}

/** The same for dialects alone (an adapter's `/dialect` entry), by target type. */
const builtInDialects = new Map<string, Carried>();

export function registerBuiltInDialects(dialects: Record<string, () => Promise<unknown>>, packageDirs: Record<string, string> = {}): void {
  for (const [type, load] of Object.entries(dialects)) builtInDialects.set(type, { load, packageDir: packageDirs[type] });
}

/**
 * The carried module's loader when the package resolved from the search paths is absent (undefined) or is
 * the very package the program carries a copy of.
 */
function carriedLoad(carried: Carried | undefined, resolved: string | undefined): (() => Promise<unknown>) | undefined {
  if (!carried) return undefined;
  if (resolved === undefined) return carried.load;
  if (carried.packageDir === undefined) return undefined;
  try {
    return realpathSync(fileURLToPath(resolved)).startsWith(carried.packageDir + sep) ? carried.load : undefined;
  } catch {
    return undefined;
  }
}

/** npm package name of the adapter for a target type. */
export function adapterPackageName(type: string): string {
  return `@xform/adapter-${type}`;
}

export async function loadAdapter(
  target: TargetConfig,
  options: AdapterFactoryOptions,
  loadOptions: LoadAdapterOptions = {},
): Promise<Adapter> {
  const type = String(target.type);
  const packageName = adapterPackageName(type);
  const module = await importAdapterModule(type, packageName, loadOptions.searchPaths ?? defaultSearchPaths(options));
  const factory = (module as { createAdapter?: unknown }).createAdapter;
  if (typeof factory !== 'function') {
    throw new XformError('XFORM_ADAPTER_INVALID', `${packageName} does not export a createAdapter function`, {
      hint: `check that the installed ${packageName} matches this version of xform`,
    });
  }
  return (factory as AdapterFactory)(target, options);
}

/**
 * The adapter's pure SQL dialect (quoting, relation names), for compiling without a warehouse connection.
 * Loaded from the same package as the adapter, so a missing adapter is reported the same way.
 */
export async function loadDialect(
  type: string,
  options: Pick<AdapterFactoryOptions, 'projectRoot'>,
  loadOptions: LoadAdapterOptions = {},
): Promise<Dialect> {
  const packageName = adapterPackageName(type);
  const searchPaths = loadOptions.searchPaths ?? defaultSearchPaths(options);
  const module = (await importDialectEntry(type, packageName, searchPaths)) ?? (await importAdapterModule(type, packageName, searchPaths));
  const factory = (module as { createDialect?: unknown }).createDialect;
  if (typeof factory !== 'function') {
    throw new XformError('XFORM_ADAPTER_INVALID', `${packageName} does not export a createDialect function`, {
      hint: `check that the installed ${packageName} matches this version of xform`,
    });
  }
  return (factory as () => Dialect)();
}

/**
 * The adapter's `/dialect` entry, which carries its dialect without its driver or the rest of xform (a patch
 * compile loads nothing else), from the package loadAdapter would use; undefined when that package has
 * none (a third-party adapter may not) or it fails to load, and the whole adapter is loaded instead.
 */
async function importDialectEntry(type: string, packageName: string, searchPaths: string[]): Promise<unknown> {
  const first = firstResolving(packageName, searchPaths);
  const from = first?.dir;
  const found = first?.url;
  const load = carriedLoad(builtInDialects.get(type), found);
  // The package found is one the program carries as a whole adapter: that copy answers (importAdapterModule).
  if (load === undefined && found !== undefined && carriedLoad(builtIn.get(type), found) !== undefined) return undefined;
  const resolved = from === undefined ? undefined : resolveFrom(`${packageName}/dialect`, [from]);
  if (resolved === undefined && load === undefined) return undefined;
  try {
    return await (load ? load() : importResolved(resolved!));
  } catch {
    return undefined;
  }
}

async function importAdapterModule(type: string, packageName: string, searchPaths: string[]): Promise<unknown> {
  const resolved = resolveFrom(packageName, searchPaths);
  const load = carriedLoad(builtIn.get(type), resolved);
  try {
    return await (load ? load() : resolved === undefined ? import(packageName) : importResolved(resolved));
  } catch (err) {
    if (isMissing(err, packageName)) {
      throw new XformError(
        'XFORM_ADAPTER_NOT_INSTALLED',
        `the ${type} adapter is not installed: npm install ${packageName}`,
        { hint: `profiles.yml asks for type '${type}'; install ${packageName} next to xform` },
      );
    }
    // The package is there but broken (a missing dependency, a syntax error...): say so, keep the cause.
    const reason = err instanceof Error ? err.message : String(err);
    throw new XformError('XFORM_ADAPTER_LOAD_FAILED', `the ${type} adapter (${packageName}) failed to load: ${reason}`, {
      cause: err,
    });
  }
}

/**
 * import() of a file URL from resolveFrom. The workspace's one-file CLI (scripts/bundle-workspace.mjs) and the
 * packed CLI's (scripts/pack-cli.mjs) are CommonJS, where import() becomes require(), which takes a path and
 * not a URL; import() takes an absolute path too, except on Windows.
 */
function importResolved(url: string): Promise<unknown> {
  return import(process.platform === 'win32' ? url : fileURLToPath(url));
}

/** The package's entry as a file URL, from the first search path that has it; undefined if none does. */
function resolveFrom(packageName: string, searchPaths: string[]): string | undefined {
  return firstResolving(packageName, searchPaths)?.url;
}

/** The first search path that has the package, with the package's entry there as a file URL. */
function firstResolving(packageName: string, searchPaths: string[]): { dir: string; url: string } | undefined {
  for (const dir of searchPaths) {
    try {
      // createRequire needs a file name; it does not have to exist.
      const entry = createRequire(join(dir, '__xform_resolve__.js')).resolve(packageName);
      return { dir, url: pathToFileURL(entry).href };
    } catch {
      // Not under this folder (or only importable, not resolvable by require): try the next one.
    }
  }
  return undefined;
}

/** True only when the adapter package itself is missing, not one of its own dependencies. */
function isMissing(err: unknown, packageName: string): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  const message = err instanceof Error ? err.message : '';
  return message.includes(`'${packageName}'`) && !message.includes(`'${packageName}/`);
}

function defaultSearchPaths(options: Pick<AdapterFactoryOptions, 'projectRoot'>): string[] {
  const paths = [options.projectRoot];
  const program = process.argv[1];
  if (program) {
    try {
      paths.push(dirname(realpathSync(program)));
    } catch {
      // A program path that does not exist (node -e) has nothing to resolve from.
    }
  }
  return paths;
}
