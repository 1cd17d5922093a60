// Builds the docs site's front-end into cli/dist/docs-site (index.html, app.js, app.css): the CLI ships
// these files and `xform docs generate` copies them next to the project's data. Run by `pnpm build`.
import { build } from 'esbuild';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, '..', 'cli', 'dist', 'docs-site');
const require = createRequire(import.meta.url);
await mkdir(out, { recursive: true });
await build({
  entryPoints: [path.join(here, 'src', 'main.ts')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  outfile: path.join(out, 'app.js'),
  logLevel: 'warning',
  legalComments: 'none',
});
const hljsTheme = await readFile(require.resolve('highlight.js/styles/github.css'), 'utf8');
const css = await readFile(path.join(here, 'src', 'app.css'), 'utf8');
await writeFile(path.join(out, 'app.css'), `${css}\n/* highlight.js github theme */\n${hljsTheme}`);
await copyFile(path.join(here, 'src', 'index.html'), path.join(out, 'index.html'));
