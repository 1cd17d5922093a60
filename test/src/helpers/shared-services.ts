/**
 * The test files' side of the run's shared services (test/src/test-services.ts, vitest's globalSetup): one
 * PostgreSQL server and one Chromium per run, asked for over HTTP on first use.
 */
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** http://127.0.0.1:<port> of the run's shared services (test/src/test-services.ts). */
    xformTestServices: string;
  }
}

/** What `GET /postgres` answers: where the run's server is, and its superuser. */
export interface SharedPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
  dataDir: string;
}

/** What `GET /chromium` answers. */
export interface SharedChromium {
  wsEndpoint: string;
}

/**
 * The answer of the run's service at `path`, or undefined outside a run with that globalSetup (a file run
 * with another config, such as the fault series'): the caller then starts a service of its own.
 */
export async function askTestService<T extends SharedPostgres | SharedChromium>(path: '/postgres' | '/chromium'): Promise<T | undefined> {
  const base = inject('xformTestServices');
  if (!base) return undefined;
  const res = await fetch(`${base}${path}`);
  const text = await res.text();
  // The service's own error (PostgreSQL or Chromium missing, ...), as if this file had started it.
  if (!res.ok) throw new Error(text);
  return JSON.parse(text) as T;
}
