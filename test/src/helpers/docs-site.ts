/**
 * One docs site per test file: a project written and prepared (built, by default), `xform docs generate`,
 * `xform docs serve` and a Chromium, set up before the file's tests and torn down after them.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { launchChromium, openDocsPage, serveDocs, type ServedDocs } from './browser.js';
import { runXform, type CliResult } from './cli.js';
import { removeProject, writeProject, type ProjectFiles } from './project.js';

export interface DocsSite {
  /** The project folder. */
  readonly root: string;
  readonly served: ServedDocs;
  readonly browser: Browser;
  /** What `xform docs generate` printed. */
  readonly generated: CliResult;
  /** A new page at the served site's `hash` route, once the site has drawn. */
  open(hash?: string): Promise<Page>;
}

/** `xform build`, which must succeed: the default preparation. */
export async function buildProject(root: string): Promise<void> {
  const build = await runXform(['build'], { cwd: root });
  expect(build.code, build.stdout + build.stderr).toBe(0);
}

/** Registers the file's beforeAll/afterAll; the returned site's fields are there once the tests run. */
export function useDocsSite(files: ProjectFiles, prepare: (root: string) => Promise<void> = buildProject): DocsSite {
  const state: { root?: string; served?: ServedDocs; browser?: Browser; generated?: CliResult } = {};
  const ready = <K extends keyof typeof state>(key: K): NonNullable<(typeof state)[K]> => {
    const value = state[key];
    if (value === undefined) throw new Error(`the docs site's ${key} is not set up (used outside a test?)`);
    return value as NonNullable<(typeof state)[K]>;
  };

  beforeAll(async () => {
    state.root = await writeProject(files);
    await prepare(state.root);
    const generated = await runXform(['docs', 'generate'], { cwd: state.root });
    expect(generated.code, generated.stdout + generated.stderr).toBe(0);
    state.generated = generated;
    state.served = await serveDocs(state.root);
    state.browser = await launchChromium();
  });

  afterAll(async () => {
    await state.browser?.close();
    await state.served?.stop();
    if (state.root) await removeProject(state.root);
  });

  return {
    get root() {
      return ready('root');
    },
    get served() {
      return ready('served');
    },
    get browser() {
      return ready('browser');
    },
    get generated() {
      return ready('generated');
    },
    open: (hash = '') => openDocsPage(ready('browser'), `${ready('served').url}${hash}`),
  };
}
