// Builds the docs site's front-end into cli/dist/docs-site (index.html, app.js, app.css): the CLI ships
// these files and `xform docs generate` copies them next to the project's data. Run by `pnpm build`.
// A file is written only when its bytes change, through a temp file renamed over it: a rebuild while the
// CLI copies the site (the README test rebuilds during a test run) never shows it a half-written file.
import { build } from 'esbuild';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, '..', 'cli', 'dist', 'docs-site');
const require = createRequire(import.meta.url);
await mkdir(out, { recursive: true });

async function put(name, bytes) {
  const file = path.join(out, name);
  const old = await readFile(file).catch(() => undefined);
  if (old?.equals(Buffer.from(bytes))) return;
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, bytes);
  await rename(temp, file);
}

const bundled = await build({
  entryPoints: [path.join(here, 'src', 'main.ts')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  outfile: path.join(out, 'app.js'),
  logLevel: 'warning',
  legalComments: 'none',
  write: false,
});
await put('app.js', bundled.outputFiles[0].contents);
const hljsTheme = await readFile(require.resolve('highlight.js/styles/github.css'), 'utf8');
const css = await readFile(path.join(here, 'src', 'app.css'), 'utf8');
await put('app.css', `${css}\n/* highlight.js github theme */\n${hljsTheme}`);
await put('index.html', await readFile(path.join(here, 'src', 'index.html')));
