import path from 'node:path';
import type { Command } from 'commander';
import { ensureDir, manifestChunks, writeFileAtomic } from '@xform/core';
import { addProjectOptions, compileFromOptions, type ProjectOptions } from '../project-options.js';
import { dim } from '../output.js';

interface ParseOptions extends ProjectOptions {
  /** false with --no-write-manifest; default (undefined) writes. */
  writeManifest?: boolean;
}

export function registerParse(program: Command, setExitCode: (code: number) => void): void {
  const command = program
    .command('parse')
    .description('read and check the whole project without connecting to the warehouse, write target/manifest.json, and print how long each step took')
    .option('--write-manifest', 'write target/manifest.json (the default)')
    .option('--no-write-manifest', 'check the project only; write nothing');
  addProjectOptions(command).action(async (options: ParseOptions) => {
    const started = performance.now();
    const compiled = await compileFromOptions(options);
    const parsed = performance.now();
    const { manifest, project } = compiled;
    const counts = new Map<string, number>();
    for (const node of [...Object.values(manifest.nodes), ...Object.values(manifest.sources)]) counts.set(node.resource_type, (counts.get(node.resource_type) ?? 0) + 1);
    const summary = [...counts].map(([type, n]) => `${n} ${type}${n === 1 ? '' : 's'}`).join(', ') || 'nothing';
    const seconds = (from: number, to: number) => `${((to - from) / 1000).toFixed(2)}s`;
    process.stdout.write(`Parsed ${summary}, ${Object.keys(manifest.macros).length} macros in ${seconds(started, parsed)}\n`);
    if (options.writeManifest !== false) {
      const targetDir = path.resolve(project.root, project.config.targetPath);
      await ensureDir(targetDir, 'the target folder');
      const file = path.join(targetDir, 'manifest.json');
      await writeFileAtomic(file, manifestChunks(manifest), 'the manifest');
      process.stdout.write(`Wrote ${path.relative(process.cwd(), file) || file} ${dim(`in ${seconds(parsed, performance.now())}`)}\n`);
    }
    process.stdout.write(`Done in ${seconds(started, performance.now())}\n`);
    setExitCode(0);
  });
}
