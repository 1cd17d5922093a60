/** Debian's Chromium driven by playwright-core, with the flags the tests run it with everywhere. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserServer, type Page } from 'playwright-core';
import { XFORM_BIN } from './cli.js';
import { askTestService, type SharedChromium } from './shared-services.js';

export const CHROMIUM = process.env.XFORM_CHROMIUM ?? '/usr/bin/chromium';

/** Screenshots go to <repo>/.test-output/ so that people can look at them after a run. */
export const TEST_OUTPUT = fileURLToPath(new URL('../../../.test-output/', import.meta.url));

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

function checkChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium was not found at ${CHROMIUM}: install the Debian package \`chromium\` (npm test does that as root or with sudo, ` +
        'unless XFORM_SKIP_SYSTEM_PACKAGES=1), or set XFORM_CHROMIUM to its path',
    );
  }
}

/**
 * A Chromium for the calling test file: the test run's (test/src/test-services.ts), connected to, or one of
 * its own outside such a run. Either way, close() closes what the file opened in it.
 */
export async function launchChromium(): Promise<Browser> {
  await mkdir(TEST_OUTPUT, { recursive: true });
  const shared = await askTestService<SharedChromium>('/chromium');
  if (shared) return chromium.connect(shared.wsEndpoint);
  checkChromium();
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** The Chromium a test run shares (test/src/test-services.ts): test files connect to its endpoint. */
export async function launchChromiumServer(): Promise<BrowserServer> {
  checkChromium();
  return chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * Opens the docs site at `url` in a 1440×900 page and waits until it is ready. Throws when the page raised
 * an error or a request failed on the way (the site fetches nothing it does not ship).
 */
export async function openDocsPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('requestfailed', (r) => errors.push(`${r.url()} failed`));
  await page.goto(url);
  await page.waitForSelector('body[data-ready=true]');
  if (errors.length > 0) throw new Error(`the docs page reported errors:\n${errors.join('\n')}`);
  return page;
}

export interface ServedDocs {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `xform docs serve --port 0` in a project and waits for the URL it prints. */
export function serveDocs(cwd: string, extraArgs: string[] = []): Promise<ServedDocs> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [XFORM_BIN, 'docs', 'serve', '--port', '0', ...extraArgs], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', XFORM_PROFILES_DIR: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`docs serve printed no URL: ${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/\S+\/)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve({
        url: m[1]!,
        process: child,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`docs serve exited with ${code}: ${out}`));
    });
  });
}
