/**
 * `tsc -p docs-site` in `pnpm build`, skipped when nothing it read has changed since it last passed.
 *
 * The site is type-checked, not emitted (esbuild bundles it), and even incremental, tsc parses and binds all
 * of its ~275 files (the DOM and Node typings among them): ~2.3 s of an unchanged workspace's ~4 s build.
 * `tsc -b` would skip it, but only looks at the site's own files, not at core's modules that it imports.
 * So after a passing check this records every file of the program (tsc's build info lists them) with its
 * size and mtime; the next build runs tsc again unless all of them, the tsconfig, the TypeScript version and
 * the set of files under docs-site/src are the same. A file modified after the check started is not trusted
 * (it may have changed after tsc read it): no record is written, and the next build checks again.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const site = path.join(root, 'docs-site');
const buildInfo = path.join(site, 'docs-site.tsbuildinfo');
const record = path.join(site, 'docs-site.typecheck.tsbuildinfo');
const tscPackage = createRequire(path.join(site, 'tsconfig.json')).resolve('typescript/package.json');
const tsVersion = JSON.parse(readFileSync(tscPackage, 'utf8')).version;

/** The site's own sources: a file added or removed changes what tsc would check. */
const sources = () =>
  readdirSync(path.join(site, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.tsx?$/.test(file))
    .sort();

/** [file, size, mtimeMs], or null when it is gone. */
function statOf(file) {
  const st = statSync(path.resolve(site, file), { throwIfNoEntry: false });
  return st ? [file, st.size, st.mtimeMs] : null;
}

function upToDate() {
  let last;
  try {
    last = JSON.parse(readFileSync(record, 'utf8'));
  } catch {
    return false;
  }
  if (last.typescript !== tsVersion || JSON.stringify(last.sources) !== JSON.stringify(sources())) return false;
  return last.files.every(([file, size, mtimeMs]) => {
    const now = statOf(file);
    return now !== null && now[1] === size && now[2] === mtimeMs;
  });
}

if (!upToDate()) {
  rmSync(record, { force: true });
  const startedAt = Date.now();
  const tsc = spawnSync(process.execPath, [path.join(path.dirname(tscPackage), 'bin', 'tsc'), '-p', site, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  try {
    const { fileNames } = JSON.parse(readFileSync(buildInfo, 'utf8'));
    const files = ['tsconfig.json', ...fileNames].map(statOf);
    // Changed while tsc ran (or racy within the clock's resolution): checked again next time.
    if (files.every((entry) => entry !== null && entry[2] < startedAt - 1000)) {
      writeFileSync(record, JSON.stringify({ typescript: tsVersion, sources: sources(), files }));
    }
  } catch {
    // No build info to read the file list from: the next build checks again.
  }
}
