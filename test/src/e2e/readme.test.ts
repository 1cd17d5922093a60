/**
 * Every command in the README's `sh` blocks is run: each block is executed as a bash script from the
 * repository root, exactly as written (set -e, so every line must succeed), except the commands listed
 * below as run by another test or as excepted, with why. A new README command is therefore run here unless
 * someone lists it; a listed command the README no longer shows fails the test, so the lists stay honest.
 * A command that never ends (a server) must be listed, or the block times out.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { removeProject } from '../helpers/project.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Commands another test runs: command -> that test file (which must contain the command's arguments). */
const RUN_ELSEWHERE: Record<string, string> = {
  'pnpm bench --smoke': 'test/src/bench/bench-smoke.test.ts',
  // Run here, the global install would change the machine's npm folder; install.test.ts packs the CLI and
  // installs it with npm i -g into a throw-away prefix, then runs xform --version from there.
  'npm run pack:cli': 'test/src/e2e/install.test.ts',
  'npm i -g ./dist-pack/xform-cli-*.tgz': 'test/src/e2e/install.test.ts',
  'xform --version': 'test/src/e2e/install.test.ts',
};

/** Commands no test runs, and why. */
const EXCEPTED: Record<string, string> = {
  'npm test': 'the whole test suite, of which this test is a part',
  'pnpm test:unit': 'the whole vitest suite, of which this test is a part',
  'pnpm test:faults': 'the long fault-injection series runs for minutes; its quick part is test/src/faults/faults.test.ts',
  'pnpm bench': 'the full benchmark runs for minutes; the same runner is run at tiny sizes by bench-smoke.test.ts',
  'pnpm bench --only seeds,scheduler --runs 3': 'a benchmark run of minutes; --only/--runs are parsed by the runner bench-smoke.test.ts drives',
  'pnpm bench --only compile --profile all': 'a benchmark run of minutes; bench-smoke.test.ts runs --profile all at tiny sizes',
};

/** What a block's output must show, keyed by a command in it: proof that the command did its work. */
const EXPECT_OUTPUT: Record<string, RegExp[]> = {
  'npm run quickstart': [
    /Done: \d+ ok, 0 error, 0 failed tests/,
    /the example project is built and tested/,
    /example-project\/target\/xform\.duckdb/,
    /The docs site \(lineage, columns, tests\): \S+example-project\/target\/docs\/index\.html/,
    /docs serve/,
    // The next commands it prints run from any folder: absolute paths, no `pnpm xform` (pnpm may not be on PATH).
    /^ {2}node \/\S+\/cli\/bin\/xform\.js --help$/m,
    /^ {2}cd \/\S+ && npm run pack:cli && npm i -g (--prefix ~\/\.local )?\.\/dist-pack\/xform-cli-\*\.tgz$/m,
  ],
  'xform init my_shop --adapter duckdb': [/Created project my_shop \(duckdb\)/, /Building my_shop on the embedded DuckDB/, /OK\s+table\s+main\.gld_customer_revenue 8 rows/],
  'xform build': [/Done: \d+ ok, 0 error, 0 failed tests/, /PASS\s+test\s+revenue_leaves_out_cancelled_orders/],
  'xform ls --select layer:gold': [/^my_shop\.gold\.gld_daily_revenue$/m],
  'xform compile --inline "select count(*) from {{ ref(\'gld_customer_revenue\') }}"': [/^select count\(\*\) from "main"\."gld_customer_revenue"$/m],
  'xform test --select layer:silver': [/PASS\s+test\s+unique_slv_orders_order_id/, /0 error, 0 failed tests/],
  'xform docs generate': [/Docs \d+ nodes .*-> target\/docs\/index\.html/],
  'xform debug': [/project +my_shop \(\S+\/my_shop\)/, /Connection OK/],
  'pnpm xform --help': [/Usage: xform/],
  'node cli/bin/xform.js snapshot --project-dir /tmp/shop': [/OK\s+snapshot\s+main\.slv_customer_history 0 rows/],
  'node cli/bin/xform.js build --project-dir /tmp/shop -s slv_product_views --event-time-start 2024-03-01 --event-time-end 2024-04-01': [
    /slv_product_views batch 1\/1 2024-03 OK \d+ rows/,
  ],
};

interface Block {
  heading: string;
  /** The block's lines, comments removed, empty lines dropped. */
  lines: string[];
}

/** A line without its trailing `# comment` (a `#` inside quotes, or not after a space, is kept). */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i).trimEnd();
  }
  return line.trimEnd();
}

function readmeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  let heading = '';
  let current: string[] | undefined;
  for (const line of markdown.split('\n')) {
    if (current === undefined && line.startsWith('#')) heading = line.replace(/^#+\s*/, '');
    if (current === undefined && /^```(sh|bash|shell)\s*$/.test(line)) current = [];
    else if (current !== undefined && line.startsWith('```')) {
      blocks.push({ heading, lines: current.map(stripComment).filter((l) => l.trim() !== '') });
      current = undefined;
    } else if (current !== undefined) current.push(line);
  }
  return blocks;
}

const commandsOf = (line: string) => line.split('&&').map((c) => c.trim());

function runBash(script: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const blocks = readmeBlocks(readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8'));
const scratch: string[] = [];
afterAll(async () => {
  await Promise.all(scratch.map(removeProject));
});

describe('README.md', () => {
  it('has the two-command quick start', () => {
    const quick = blocks.find((b) => b.heading === 'Quick start');
    expect(quick?.lines.map(stripComment).map((l) => l.trim())).toEqual(['npm run quickstart', 'npm test']);
  });

  it('names a way to exercise every command it shows', () => {
    const all = blocks.flatMap((b) => b.lines.flatMap(commandsOf));
    expect(all.length).toBeGreaterThan(10);
    for (const [command, file] of Object.entries(RUN_ELSEWHERE)) {
      expect(all, `RUN_ELSEWHERE names '${command}', which the README no longer shows`).toContain(command);
      const text = readFileSync(path.join(REPO_ROOT, file), 'utf8');
      for (const arg of command.split(' ').filter((a) => a.startsWith('--'))) expect(text, `${file} should run '${command}'`).toContain(arg);
    }
    for (const command of Object.keys(EXCEPTED)) expect(all, `EXCEPTED names '${command}', which the README no longer shows`).toContain(command);
    for (const command of Object.keys(EXPECT_OUTPUT)) expect(all, `EXPECT_OUTPUT names '${command}', which the README no longer shows`).toContain(command);
  });

  for (const [index, block] of blocks.entries()) {
    const runnable = block.lines.flatMap(commandsOf).filter((c) => !(c in EXCEPTED) && !(c in RUN_ELSEWHERE));
    if (runnable.length === 0) continue;
    it(`runs the commands of sh block ${index + 1} (${block.heading}): ${runnable.join('; ')}`, async () => {
      const tmp = await mkdtemp(path.join(tmpdir(), 'xform-readme-'));
      scratch.push(tmp);
      // The block as written; commands run elsewhere or excepted become `true`, so the rest run in order.
      const body = block.lines
        .map((line) => commandsOf(line).map((c) => (c in EXCEPTED || c in RUN_ELSEWHERE ? 'true' : c)).join(' && '))
        .join('\n');
      const { code, output } = await runBash(`shopt -s expand_aliases\nset -euo pipefail\n${body}\n`, { TMPDIR: tmp, XFORM_PROFILES_DIR: '' });
      expect(code, output).toBe(0);
      for (const command of runnable) {
        for (const pattern of EXPECT_OUTPUT[command] ?? []) expect(output, `${command}\n${output}`).toMatch(pattern);
      }
      if (runnable.includes('npm run quickstart')) {
        expect(existsSync(path.join(REPO_ROOT, 'example-project/target/xform.duckdb'))).toBe(true);
        expect(await readFile(path.join(REPO_ROOT, 'example-project/target/run_results.json'), 'utf8')).toContain('"status": "pass"');
        expect(existsSync(path.join(REPO_ROOT, 'example-project/target/docs/index.html'))).toBe(true);
        // Every model of the example is readable by the docs' SQL parser: column lineage is complete.
        expect(output).not.toContain('column lineage unavailable');
        expect(output, 'pnpm may not be on PATH after the quick start').not.toContain('pnpm xform');
      }
    }, 900_000);
  }
});
