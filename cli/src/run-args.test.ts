import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { redactSecrets } from '@xform/core';
import { recordArgs, replayOptions } from './run-args.js';

describe('run args recorded for a retry', () => {
  const options = {
    projectDir: '/p',
    target: 'prod',
    vars: '{day: 2026-01-02, region: eu}',
    select: ['stg_orders+'],
    exclude: ['tag:slow'],
    fullRefresh: true,
    failFast: true,
    storeFailures: true,
    indirectSelection: 'cautious',
    threads: '3',
    logFormat: 'json',
    eventTimeStart: '2026-01-01',
  };

  it('records every flag under dbt names, with the resolved threads and target and the vars parsed', () => {
    expect(recordArgs('build', options, { threads: 3, target: 'prod' })).toEqual({
      which: 'build',
      project_dir: '/p',
      target: 'prod',
      vars: { day: '2026-01-02', region: 'eu' },
      select: ['stg_orders+'],
      exclude: ['tag:slow'],
      full_refresh: true,
      fail_fast: true,
      store_failures: true,
      indirect_selection: 'cautious',
      threads: 3,
      log_format: 'json',
      event_time_start: '2026-01-01',
    });
  });

  it('replays them as the command options, leaving paths and output format to the retry', () => {
    const args = recordArgs('build', options, { threads: 3, target: 'prod' });
    const replayed = replayOptions(JSON.parse(JSON.stringify(args)) as Record<string, unknown>, {}, 'target/run_results.json');
    expect(replayed).toEqual({
      target: 'prod',
      vars: '{"day":"2026-01-02","region":"eu"}',
      select: ['stg_orders+'],
      exclude: ['tag:slow'],
      fullRefresh: true,
      failFast: true,
      storeFailures: true,
      indirectSelection: 'cautious',
      threads: '3',
      eventTimeStart: '2026-01-01',
    });
  });

  it('replays --state and --defer (refs to unselected nodes resolve as before), not the output flags', () => {
    const args = recordArgs('build', { state: 'prod-artifacts', defer: true, quiet: true, logLevel: 'debug', wait: true }, { threads: 1, target: 'dev' });
    expect(replayOptions(args, {}, 'f')).toMatchObject({ state: 'prod-artifacts', defer: true });
    expect(replayOptions(args, {}, 'f')).not.toHaveProperty('quiet');
    expect(replayOptions(args, {}, 'f')).not.toHaveProperty('logLevel');
    expect(replayOptions(args, {}, 'f')).not.toHaveProperty('wait');
  });

  it("replays a dbt build's args from its run_results.json", () => {
    const file = new URL('../../core/src/run/__fixtures__/dbt-build/run_results.json', import.meta.url);
    const { args } = JSON.parse(readFileSync(file, 'utf8')) as { args: Record<string, unknown> };
    const replayed = replayOptions(args, {}, 'target/run_results.json');
    expect(replayed).toMatchObject({
      target: 'prod',
      vars: '{"region":"eu"}',
      threads: '4',
      fullRefresh: false,
      eventTimeStart: '2026-01-01T00:00:00',
      eventTimeEnd: '2026-01-04T00:00:00',
    });
    for (const key of ['projectDir', 'profilesDir', 'logFormat', 'logLevel', 'state', 'which']) expect(replayed).not.toHaveProperty(key);
  });

  it('the retry may give its own --vars and --threads', () => {
    const args = recordArgs('run', options, { threads: 3, target: 'prod' });
    expect(replayOptions(args, { vars: '{day: 2026-01-03}', threads: '1' }, 'f')).toMatchObject({ vars: '{day: 2026-01-03}', threads: '1' });
  });

  it('a --vars secret redacted from the file is not replayed as "[redacted]": the retry asks for --vars', () => {
    const args = redactSecrets(recordArgs('run', { vars: '{api_token: s3cr3t-value, day: 1}' }, { threads: 1, target: 'dev' })) as Record<string, unknown>;
    expect(JSON.stringify(args)).not.toContain('s3cr3t-value');
    expect(() => replayOptions(args, {}, 'target/run_results.json')).toThrow(
      expect.objectContaining({ code: 'XFORM_RETRY_VARS_REDACTED', hint: expect.stringContaining('pass the same --vars to xform retry') }),
    );
    expect(replayOptions(args, { vars: '{api_token: again}' }, 'f').vars).toBe('{api_token: again}');
  });
});
