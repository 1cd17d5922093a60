import { describe, expect, it } from 'vitest';
import { isSecretEnvName, scrubSecrets } from './secrets.js';

describe('secret environment variables', () => {
  it('are named XFORM_ENV_SECRET_* or dbt\'s DBT_ENV_SECRET_*', () => {
    expect(isSecretEnvName('XFORM_ENV_SECRET_PG_PASSWORD')).toBe(true);
    expect(isSecretEnvName('DBT_ENV_SECRET_TOKEN')).toBe(true);
    expect(isSecretEnvName('PG_PASSWORD')).toBe(false);
    expect(isSecretEnvName('xform_env_secret_x')).toBe(false);
  });

  it('have their value replaced by ***** as written and as escaped inside JSON, the longest first', () => {
    const env = { XFORM_ENV_SECRET_A: 'p"ss\\word', DBT_ENV_SECRET_B: 'p"ss\\word-and-more', OTHER: 'visible', XFORM_ENV_SECRET_C: 'ab' };
    const text = `login p"ss\\word-and-more failed; ${JSON.stringify({ password: 'p"ss\\word' })}; visible; ab`;
    expect(scrubSecrets(text, env)).toBe('login ***** failed; {"password":"*****"}; visible; ab');
  });
});
