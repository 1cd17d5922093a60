import { describe, expect, test } from 'vitest';
import { isXformError } from '../errors.js';
import { hubRepositoryCandidates, pickVersion } from './hub.js';
import { parsePackagesFile } from './spec.js';
import { specHash } from './lock.js';

describe('hub packages', () => {
  test('<org>/<name> maps to the repository with - for _, then the name as written, then dbt- prefixed', () => {
    expect(hubRepositoryCandidates('dbt-labs/dbt_utils', 'https://github.com')).toEqual([
      'https://github.com/dbt-labs/dbt-utils',
      'https://github.com/dbt-labs/dbt-utils.git',
      'https://github.com/dbt-labs/dbt_utils',
      'https://github.com/dbt-labs/dbt_utils.git',
    ]);
    expect(hubRepositoryCandidates('dbt-labs/audit_helper', 'https://github.com').filter((u) => !u.endsWith('.git'))).toEqual([
      'https://github.com/dbt-labs/audit-helper',
      'https://github.com/dbt-labs/audit_helper',
      'https://github.com/dbt-labs/dbt-audit-helper',
    ]);
  });

  test('the highest tag (with or without v) satisfying every range; pre-releases never', () => {
    const tags = ['0.9.0', 'v1.0.0', '1.1.1', 'v1.3.0', '1.4.0-rc1', '2.0.0', 'latest'];
    expect(pickVersion(tags, ['>=1.0.0', '<2.0.0'])).toEqual({ tag: 'v1.3.0', version: '1.3.0' });
    expect(pickVersion(tags, ['1.1.1'])).toEqual({ tag: '1.1.1', version: '1.1.1' });
    expect(pickVersion(tags, ['>=3.0.0'])).toBeUndefined();
  });
});

describe('packages.yml', () => {
  test('local, git (revision, subdirectory, warn-unpinned) and hub entries', () => {
    const parsed = parsePackagesFile(
      [
        'packages:',
        '  - local: ../shared',
        '  - git: https://example.com/a.git',
        '    revision: 1.2.0',
        '    subdirectory: pkg',
        '    warn-unpinned: false',
        '  - package: dbt-labs/dbt_utils',
        '    version: [">=1.0.0", "<2.0.0"]',
        '  - package: dbt-labs/codegen',
        '    version: 0.12.1',
      ].join('\n'),
      'packages.yml',
    );
    expect(parsed.specs).toEqual([
      { kind: 'local', local: '../shared' },
      { kind: 'git', git: 'https://example.com/a.git', written: 'https://example.com/a.git', revision: '1.2.0', subdirectory: 'pkg', warnUnpinned: false },
      { kind: 'hub', package: 'dbt-labs/dbt_utils', version: ['>=1.0.0', '<2.0.0'] },
      { kind: 'hub', package: 'dbt-labs/codegen', version: ['0.12.1'] },
    ]);
    expect(specHash(parsed.rendered, parsed.raw)).toMatch(/^[0-9a-f]{40}$/);
  });

  test('packages.yml renders env_var(), secret variables included; the URL as written is kept for the lock', () => {
    const text = "packages:\n  - git: \"https://{{ env_var('DBT_ENV_SECRET_GIT_TOKEN') }}@example.com/a.git\"\n";
    const [spec] = parsePackagesFile(text, 'packages.yml', { DBT_ENV_SECRET_GIT_TOKEN: 's3cr3t' }).specs;
    expect(spec).toMatchObject({ git: 'https://s3cr3t@example.com/a.git', written: "https://{{ env_var('DBT_ENV_SECRET_GIT_TOKEN') }}@example.com/a.git" });
  });

  test("sha1_hash is dbt's: dbt-utils' integration_tests lock, written by dbt, has the same", () => {
    const parsed = parsePackagesFile('packages:\n    - local: ../\n', 'packages.yml', {});
    expect(specHash(parsed.rendered, parsed.raw)).toBe('de2deba3d66ce03d8c02949013650cc9b94f6030');
  });

  test('an entry of no known kind is an error at its line', () => {
    let error: unknown;
    try {
      parsePackagesFile('packages:\n  - locl: ../x\n', 'packages.yml');
    } catch (err) {
      error = err;
    }
    expect(isXformError(error)).toBe(true);
    expect((error as { location?: { line?: number } }).location?.line).toBe(2);
  });
});
