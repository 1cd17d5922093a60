import { access } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { loadAdapter, writeCompileArtifacts, XformError } from '@xform/core';
import { addProjectOptions, compileFromOptions, loadProjectFromOptions, type ProjectOptions } from '../project-options.js';
import { docsSiteDir } from '../assets.js';
import { isLoopbackHost, serveFolder } from '../static-server.js';
import { dim, green, yellow } from '../output.js';

interface GenerateOptions extends ProjectOptions {
  catalog: boolean;
}

interface ServeOptions extends ProjectOptions {
  port: string;
  host: string;
}

function parsePort(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new XformError('XFORM_BAD_ARGUMENT', `--port expects a port number from 0 to 65535, got '${text}'`);
  }
  return n;
}

export function registerDocs(program: Command, setExitCode: (code: number) => void): void {
  const docs = program.command('docs').description('generate and serve the lineage docs site');

  const generate = docs
    .command('generate')
    .description('write target/catalog.json from the warehouse and the static docs site to target/docs/')
    .option('--no-catalog', 'do not ask the warehouse (columns then come from schema YAML only)');
  addProjectOptions(generate).action(async (options: GenerateOptions) => {
    const started = performance.now();
    // The docs site's code (markdown, SQL parsers for column lineage) loads with this command only.
    const [{ generateDocs }, compiled] = await Promise.all([import('@xform/core/docs'), compileFromOptions(options)]);
    const { project, manifest } = compiled;
    const targetDir = path.resolve(project.root, project.config.targetPath);
    await writeCompileArtifacts(targetDir, manifest);
    const adapter = options.catalog ? await loadAdapter(project.target, { projectRoot: project.root, threads: 1 }) : undefined;
    try {
      const result = await generateDocs({ manifest, catalog: adapter?.catalog, targetDir, assetsDir: docsSiteDir() });
      const where = (file: string) => path.relative(process.cwd(), file) || file;
      if (result.catalog) {
        const described = Object.keys(result.catalog.nodes).length + Object.keys(result.catalog.sources).length;
        process.stdout.write(`${green('Catalog')} ${described} relations ${dim(`-> ${where(result.catalogFile!)}`)}\n`);
        const unreachable = result.catalog.errors.some((e) => e.unique_id.startsWith('schema:'));
        if (result.catalog.missing.length && !unreachable) {
          process.stderr.write(`${yellow('warning')} ${result.catalog.missing.length} node(s) not found in the warehouse (not built yet?): their columns come from schema YAML and their SQL\n`);
        }
        if (unreachable) process.stderr.write(`${yellow('warning')} the warehouse could not be read: columns come from schema YAML and the models' SQL\n`);
        for (const e of result.catalog.errors.slice(0, 5)) process.stderr.write(`${yellow('warning')} catalog: ${e.unique_id}: ${e.message}\n`);
      }
      if (!result.hasRunResults) process.stderr.write(`${dim('no target/run_results.json yet: the site shows no run status or timeline')}\n`);
      if (result.lineageErrors) {
        const files = result.lineageErrorFiles.slice(0, 5).join(', ') + (result.lineageErrors > 5 ? ', ...' : '');
        process.stderr.write(`${yellow('warning')} column lineage unavailable for ${result.lineageErrors} model(s) whose SQL the parser could not read: ${files}\n`);
      }
      if (result.untracedColumns) {
        process.stderr.write(`${dim(`column lineage: ${result.untracedColumns} column(s) of ${result.untracedModels} model(s) not traced; the docs site says why for each`)}\n`);
      }
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      process.stdout.write(`${green('Docs')} ${result.nodes} nodes in ${seconds}s ${dim(`-> ${where(result.indexFile)}`)}\n`);
      setExitCode(0);
    } finally {
      await adapter?.close();
    }
  });

  const serve = docs
    .command('serve')
    .description('serve target/docs over HTTP (run `xform docs generate` first)')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '8080')
    .option('--host <host>', 'address to bind; other machines can reach the site only if you bind a public one', '127.0.0.1');
  addProjectOptions(serve).action(async (options: ServeOptions) => {
    const port = parsePort(options.port);
    const project = await loadProjectFromOptions(options);
    const docsDir = path.resolve(project.root, project.config.targetPath, 'docs');
    try {
      await access(path.join(docsDir, 'index.html'));
    } catch {
      throw new XformError('XFORM_DOCS_NOT_GENERATED', `there is no docs site in ${path.relative(process.cwd(), docsDir) || docsDir}`, {
        hint: 'run `xform docs generate` first',
      });
    }
    const { server, url } = await serveFolder(docsDir, options.host, port).catch((err: NodeJS.ErrnoException) => {
      throw new XformError('XFORM_DOCS_SERVE_FAILED', `cannot listen on ${options.host}:${port}: ${err.code ?? err.message}`, {
        hint: err.code === 'EADDRINUSE' ? 'pick another port with --port' : undefined,
      });
    });
    process.stdout.write(`${green('Serving')} the docs site at ${url} ${dim('(Ctrl-C to stop)')}\n`);
    if (!isLoopbackHost(options.host)) {
      process.stderr.write(
        `${yellow('warning')} --host ${options.host} is not a loopback address: the docs site (your project's SQL, ` +
          `columns and descriptions) is reachable from other machines that can reach this one, without authentication; ` +
          `use --host 127.0.0.1 to keep it on this machine\n`,
      );
    }
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        server.close(() => resolve());
        server.closeAllConnections();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    setExitCode(0);
  });
}
