/**
 * The vitest globalSetup (vitest.config.ts): one throw-away PostgreSQL server and one Chromium per test run,
 * shared by every test file, each started on first use so that a run that needs neither starts neither.
 *
 * It serves them from a small HTTP server on 127.0.0.1, whose address the files read with
 * `inject('xformTestServices')`: `GET /postgres` answers the server's superuser connection (each file then
 * makes a database of its own, see withPostgres()), `GET /chromium` the browser's WebSocket endpoint (each
 * file then connects and opens its own pages, see launchChromium()). Both stop when the run ends.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserServer } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { launchChromiumServer } from './helpers/browser.js';
import type { SharedChromium, SharedPostgres } from './helpers/shared-services.js';
import { startPostgres, type PostgresServer } from './postgres-server.js';

/**
 * A run with several projects (vitest.config.ts's parallel and serial groups) calls this once per project:
 * they share the first call's services, kept on the main process, and the last teardown stops them.
 */
interface Services {
  url: string;
  users: number;
  stop(): Promise<void>;
}
const KEY = Symbol.for('xform.testServices');
type WithServices = typeof globalThis & { [KEY]?: Promise<Services> };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const holder = globalThis as WithServices;
  holder[KEY] ??= startServices();
  const services = await holder[KEY];
  services.users++;
  project.provide('xformTestServices', services.url);
  return async () => {
    if (--services.users > 0) return;
    delete holder[KEY];
    await services.stop();
  };
}

async function startServices(): Promise<Services> {
  let postgres: Promise<PostgresServer> | undefined;
  let chromium: Promise<BrowserServer> | undefined;

  const answers: Record<string, () => Promise<SharedPostgres | SharedChromium>> = {
    '/postgres': async () => {
      // Every file of a run on one server: room for their connections and for the CLI runs they start.
      const s = await (postgres ??= startPostgres({ maxConnections: 300 }));
      return { host: s.host, port: s.port, user: s.user, password: s.password, dataDir: s.dataDir };
    },
    '/chromium': async () => ({ wsEndpoint: (await (chromium ??= launchChromiumServer())).wsEndpoint() }),
  };

  const server: Server = createServer((req, res) => {
    const answer = answers[req.url ?? ''];
    if (!answer) {
      res.writeHead(404).end(`no test service at ${req.url}`);
      return;
    }
    answer().then(
      (body) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
      // The file that asked throws this message, as if it had started the service itself.
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(err instanceof Error ? err.message : String(err)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    users: 0,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([
        postgres?.then((s) => s.stop(), () => undefined),
        chromium?.then((b) => b.close(), () => undefined),
      ]);
    },
  };
}
