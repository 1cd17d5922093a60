/**
 * dbt docs blocks: `{% docs name %} ... {% enddocs %}` in `.md` files under the project's docs paths
 * (dbt's `docs-paths`; by default every resource path, as in dbt). Their text is kept as written here; the
 * compiler renders it and the `doc()` calls in descriptions that use it.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { DiagnosticBag } from '../errors.js';
import { sha256 } from '../partial-parse/input-snapshot.js';
import type { DocBlockDef, ProjectConfig, ProjectInputs } from './types.js';

const SKIPPED_DIRS = new Set(['node_modules', 'dbt_packages']);
const BLOCK = /\{%-?\s*(end)?docs\b\s*([^%]*?)\s*-?%\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** dbt's default docs paths: every place resources live. */
export function docsPathsOf(config: ProjectConfig): string[] {
  if (config.docsPaths && config.docsPaths.length > 0) return config.docsPaths;
  const all = [config.modelPaths, config.seedPaths, config.testPaths, config.analysisPaths ?? [], config.macroPaths, config.snapshotPaths].flat();
  return [...new Set(all)];
}

/** Reads every docs block of the project. Problems go to `bag`; what was read is recorded in `inputs`. */
export async function readDocBlocks(root: string, config: ProjectConfig, bag: DiagnosticBag, inputs?: ProjectInputs): Promise<DocBlockDef[]> {
  const targetAbs = path.resolve(root, config.targetPath);
  const files = new Map<string, string>();
  for (const docsPath of docsPathsOf(config)) {
    const rootAbs = path.resolve(root, docsPath);
    for (const abs of await markdownFiles(rootAbs, targetAbs, inputs)) if (!files.has(abs)) files.set(abs, rootAbs);
  }
  const blocks: DocBlockDef[] = [];
  const byName = new Map<string, DocBlockDef>();
  for (const [abs, rootAbs] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const text = await readFile(abs, 'utf8');
    if (inputs) inputs.files[abs] = sha256(text);
    const file = path.relative(root, abs).split(path.sep).join('/');
    for (const block of parseDocBlocks(text, file, bag)) {
      const first = byName.get(block.name);
      if (first) {
        bag.error('XFORM_DUPLICATE_DOC', `two docs blocks are named '${block.name}': in ${first.original_file_path}:${first.line} and here`, { file, line: block.line }, 'rename or remove one of them');
        continue;
      }
      const def: DocBlockDef = { ...block, path: path.relative(rootAbs, abs).split(path.sep).join('/') };
      byName.set(def.name, def);
      blocks.push(def);
    }
  }
  return blocks;
}

/** The docs blocks of one `.md` file (text outside blocks is ignored, as dbt ignores it). */
export function parseDocBlocks(text: string, file: string, bag: DiagnosticBag): Omit<DocBlockDef, 'path'>[] {
  const out: Omit<DocBlockDef, 'path'>[] = [];
  const lineAt = (offset: number) => text.slice(0, offset).split('\n').length;
  let open: { name: string; line: number; start: number } | undefined;
  for (const m of text.matchAll(BLOCK)) {
    const line = lineAt(m.index);
    if (m[1] === undefined) {
      if (open) {
        bag.error('XFORM_DOCS_BLOCK_INVALID', `docs block '${open.name}' in ${file} is not closed before the next one starts`, { file, line: open.line }, 'end it with {% enddocs %}');
      }
      const name = m[2]!;
      if (!NAME.test(name)) {
        bag.error('XFORM_DOCS_BLOCK_INVALID', `'${name}' in ${file} is not a valid docs block name`, { file, line }, "expected a name like {% docs orders_status %}");
        open = undefined;
        continue;
      }
      open = { name, line, start: m.index + m[0].length };
    } else if (open) {
      out.push({ name: open.name, original_file_path: file, line: open.line, contents: text.slice(open.start, m.index) });
      open = undefined;
    } else {
      bag.error('XFORM_DOCS_BLOCK_INVALID', `{% enddocs %} in ${file} has no {% docs name %} before it`, { file, line });
    }
  }
  if (open) bag.error('XFORM_DOCS_BLOCK_INVALID', `docs block '${open.name}' in ${file} is never closed`, { file, line: open.line }, 'end it with {% enddocs %}');
  return out;
}

async function markdownFiles(rootAbs: string, targetAbs: string, inputs: ProjectInputs | undefined): Promise<string[]> {
  const out: string[] = [];
  const visit = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        if (inputs) inputs.dirs[dir] = null;
        return;
      }
      throw err;
    }
    if (inputs) inputs.dirs[dir] = entries.map((e) => e.name);
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name) && abs !== targetAbs) await visit(abs);
      } else if ((entry.isFile() || entry.isSymbolicLink()) && entry.name.toLowerCase().endsWith('.md')) {
        out.push(abs);
      }
    }
  };
  await visit(rootAbs);
  return out;
}
