import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopbackHost, isLoopbackHostHeader, resolveInside, serveFolder } from './static-server.js';

let base: string;
let root: string;

beforeAll(async () => {
  base = await realpath(await mkdtemp(path.join(tmpdir(), 'xform-static-')));
  root = path.join(base, 'docs');
  await mkdir(path.join(root, 'data'), { recursive: true });
  await writeFile(path.join(root, 'index.html'), '<!doctype html>');
  await writeFile(path.join(root, 'data', 'graph.js'), '1');
  await writeFile(path.join(base, 'secret.txt'), 'secret');
  await symlink(path.join(base, 'secret.txt'), path.join(root, 'link.txt'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('resolveInside', () => {
  it('serves files and folder indexes under the root', async () => {
    expect(await resolveInside(root, '/')).toBe(path.join(root, 'index.html'));
    expect(await resolveInside(root, '/data/graph.js?v=1#x')).toBe(path.join(root, 'data', 'graph.js'));
    expect(await resolveInside(root, '/data/%67raph.js')).toBe(path.join(root, 'data', 'graph.js'));
  });

  it('refuses anything that leads outside the root', async () => {
    for (const url of ['/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/data/../../secret.txt', '/..\\secret.txt', '/%00', '/%E0%A4%A', '/link.txt', '/missing.js']) {
      expect(await resolveInside(root, url), url).toBeUndefined();
    }
  });
});

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])('%s stays on this machine', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });
  it.each(['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com', '::ffff:10.0.0.1'])('%s is reachable from other machines', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('isLoopbackHostHeader', () => {
  it.each(['localhost', 'localhost:8080', '127.0.0.1:8080', '127.0.0.1', '[::1]:8080', '[::1]', 'LOCALHOST:1'])('%s names this machine', (header) => {
    expect(isLoopbackHostHeader(header)).toBe(true);
  });
  it.each([undefined, '', 'evil.example:8080', 'evil.example', '192.168.1.10:8080', 'localhost.evil.example', '127.0.0.1.nip.io:80', '[::2]:8080', 'localhost:80:80'])('%s does not', (header) => {
    expect(isLoopbackHostHeader(header)).toBe(false);
  });
});

describe('serveFolder on loopback', () => {
  it('answers requests for localhost and refuses other Host names with 403 (DNS rebinding)', async () => {
    const { server, url } = await serveFolder(root, '127.0.0.1', 0);
    try {
      const port = new URL(url).port;
      const { request } = await import('node:http');
      const get = (host: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port, path: '/', headers: { host } }, (res) => {
            let body = '';
            res.on('data', (d: Buffer) => (body += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          });
          req.on('error', reject);
          req.end();
        });
      expect((await get(`127.0.0.1:${port}`)).status).toBe(200);
      expect((await get(`localhost:${port}`)).status).toBe(200);
      const refused = await get(`attacker.example:${port}`);
      expect(refused.status).toBe(403);
      expect(refused.body).toContain('only answers to localhost');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
