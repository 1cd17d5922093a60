/** Options shared by every command that reads a project, and the load + compile step they share. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import {
  compileProject,
  loadDialect,
  loadProject,
  parseVarsArg,
  RENDER_CACHE_FILE,
  RenderCache,
  SCHEMA_CACHE_FILE,
  SchemaFileCache,
  XformError,
  type CompiledProject,
  type CompileOptions,
  type LoadedProject,
  type LoadProjectOptions,
  type ProjectConfig,
  type WrittenFiles,
} from '@xform/core';
import { debug } from './logging.js';
import { printDiagnostics } from './output.js';
import { renderHelpers } from './render-helpers.js';
import { failOnWarnings } from './warn-error.js';

export interface ProjectOptions {
  projectDir?: string;
  profilesDir?: string;
  target?: string;
  vars?: string;
}

export interface SelectionOptions {
  select?: string[];
  exclude?: string[];
  /** `--selector`: a named selector of selectors.yml. */
  selector?: string;
  /** `--state DIR`: a previous target/ folder for state:, result: and source_status: (and --defer). */
  state?: string;
}

export function addProjectOptions(command: Command): Command {
  return command
    .option('--project-dir <dir>', 'the folder holding xform_project.yml or dbt_project.yml (default: the nearest one from the current folder upwards)')
    .option('--profiles-dir <dir>', 'the folder holding profiles.yml (default: project folder, $XFORM_PROFILES_DIR, ~/.xform, $DBT_PROFILES_DIR, ~/.dbt)')
    .option('-t, --target <name>', 'the profile target to use (default: the profile\'s target:)')
    .option('--vars <yaml>', "variables for var(), as YAML or JSON, e.g. '{start_date: 2024-01-01}'");
}

export function addSelectionOptions(command: Command): Command {
  return command
    .option('-s, --select <selector...>', "nodes to include, e.g. 'stg_orders+', 'tag:daily', 'layer:gold'")
    .option('--exclude <selector...>', 'nodes to leave out (same syntax as --select)')
    .option('--selector <name>', 'a named selector of selectors.yml (instead of --select)')
    .option('--state <dir>', "a previous run's target/ folder, for state:modified, result:error, source_status:fresher (and --defer)");
}

/** Environment for profiles.yml and env_var(); default process.env. */
type Env = Record<string, string | undefined>;

/** What loadProject is given for the command's project options. */
function loadOptions(options: ProjectOptions): LoadProjectOptions {
  return {
    projectDir: path.resolve(options.projectDir ?? '.'),
    profilesDir: options.profilesDir === undefined ? undefined : path.resolve(options.profilesDir),
    target: options.target,
    vars: options.vars === undefined ? undefined : parseVarsArg(options.vars),
  };
}

export async function loadProjectFromOptions(options: ProjectOptions): Promise<LoadedProject> {
  return loadAndReport(loadOptions(options));
}

/** Loads the project, printing its warnings (or failing on them with --warn-error). */
async function loadAndReport(load: LoadProjectOptions): Promise<LoadedProject> {
  const project = await loadProject(load);
  failOnWarnings(project.diagnostics);
  printDiagnostics(project.diagnostics);
  return project;
}

/** Loads and compiles the project, printing warnings; errors propagate to the CLI's error printer. */
export interface CompileExtras {
  /** Environment for profiles.yml and env_var(); default process.env. */
  env?: Env;
  /** The partial-parse render cache to use once the project (and so its target folder) is known. Default none. */
  renderCache?: (project: LoadedProject) => Promise<RenderCache>;
  /** The partial-parse schema YAML cache, given the target folder. Default none. */
  schemaCache?: LoadProjectOptions['schemaCache'];
  /** `--empty`: refs and sources render as zero-row relations when the run renders. Default false. */
  empty?: boolean;
  /** Receives log(), print() and exceptions.warn() of templates. Default: dropped. */
  log?: CompileOptions['log'];
  /** Called once the project is loaded, before it is compiled (a run starts connecting then). */
  onLoaded?: (project: LoadedProject) => void;
  /** Keep what a later patch compile needs (CompileOptions.recordPatch). Default false. */
  recordPatch?: boolean;
  /** CompileOptions.releaseTemplates. Default false. */
  releaseTemplates?: boolean;
  /**
   * Whether `renderCache` will hold renders of the project at `root` (then no render helpers start: most
   * renders are reused). Default: it will not.
   */
  rendersCached?: (root: string, config: ProjectConfig) => boolean;
}

export async function compileFromOptions(options: ProjectOptions, extras: CompileExtras = {}): Promise<CompiledProject> {
  const { env } = extras;
  // Started once the project's files are found, if there are enough of them; they render with their own
  // process.env, and a render whose env_var() values differ from `env`'s is done again here.
  const load = loadOptions(options);
  const helpers = renderHelpers(load, process.env, { empty: extras.empty === true, rendersCached: extras.rendersCached });
  let compiled: CompiledProject;
  try {
    const project = await loadAndReport({ ...load, env, schemaCache: extras.schemaCache, onDiscovered: helpers.onDiscovered });
    extras.onLoaded?.(project);
    const [dialect, loadedCache] = await Promise.all([
      loadDialect(project.target.type, { projectRoot: project.root }),
      extras.renderCache?.(project),
    ]);
    const share = helpers.share();
    // The helpers' renders come in through a render cache: a command that keeps none uses one for this compile.
    const renderCache = loadedCache ?? (share ? RenderCache.empty() : undefined);
    compiled = compileProject(project, { dialect, env, renderCache, share, empty: extras.empty, log: extras.log, recordPatch: extras.recordPatch, releaseTemplates: extras.releaseTemplates });
    if (share && renderCache) debug(`render helpers: ${helpers.count()} thread(s) did ${renderCache.helped} of ${renderCache.rendered} renders`);
  } finally {
    helpers.end();
  }
  const { project } = compiled;
  const warnings = compiled.diagnostics.filter((d) => !project.diagnostics.includes(d));
  failOnWarnings(warnings);
  printDiagnostics(warnings);
  return compiled;
}

/** `--threads <n>`: a whole number of at least 1 (undefined when not given). */
export function parseThreads(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw new XformError('XFORM_BAD_ARGUMENT', `--threads expects a whole number of at least 1, got '${text}'`);
  }
  return n;
}

/**
 * The partial-parse caches (`target/partial_parse_*`) of a command that compiles: loaded before compiling,
 * saved after the artifacts are written. With `use: false` (`--no-partial-parse`) nothing is read and every
 * node is rendered, but the caches are still saved for the next compile.
 */
export function partialParseCaches({ use = true }: { use?: boolean } = {}): {
  extras: CompileExtras;
  /** Compiled files the last compile wrote (those unchanged and untouched need no rewrite). */
  previouslyWritten(): WrittenFiles | undefined;
  save(project: LoadedProject, written: WrittenFiles): Promise<void>;
} {
  let renderCache: RenderCache | undefined;
  let schemaCache: SchemaFileCache | undefined;
  const renderCacheFile = (project: Pick<LoadedProject, 'root' | 'config'>) => path.resolve(project.root, project.config.targetPath, RENDER_CACHE_FILE);
  let schemaCacheFile: string | undefined;
  return {
    extras: {
      schemaCache: async (targetDir) => {
        schemaCacheFile = path.join(targetDir, SCHEMA_CACHE_FILE);
        return (schemaCache = use ? await SchemaFileCache.load(schemaCacheFile) : SchemaFileCache.empty());
      },
      renderCache: async (project) => (renderCache = use ? await RenderCache.load(renderCacheFile(project)) : RenderCache.empty()),
      rendersCached: (root, config) => use && existsSync(renderCacheFile({ root, config })),
    },
    previouslyWritten: () => (use ? renderCache?.previouslyWritten : undefined),
    async save(project, written) {
      if (renderCache) {
        renderCache.written = written;
        await renderCache.save(renderCacheFile(project));
      }
      if (schemaCache && schemaCacheFile) await schemaCache.save(schemaCacheFile);
    },
  };
}
