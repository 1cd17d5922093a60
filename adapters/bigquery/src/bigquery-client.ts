/**
 * The @google-cloud/bigquery client for a target: project, location, endpoint and credentials by `method`.
 * Credentials are handed to Google's auth library and nothing else; problems with them are reported by key
 * name (never by value), and `secretsOf` lists what errors must never show.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BigQuery, type BigQueryOptions } from '@google-cloud/bigquery';
import { XformError, type BigQueryTargetConfig } from '@xform/core';
import { OAuth2Client } from 'google-auth-library';

export function createBigQueryClient(target: BigQueryTargetConfig, projectRoot: string): BigQuery {
  const options: BigQueryOptions = {
    projectId: target.project,
    userAgent: 'xform',
    // HTTP-level retries of the client (429, 5xx on requests); failed jobs are retried by the session.
    autoRetry: true,
    maxRetries: target.job_retries ?? 1,
    ...(target.location ? { location: target.location } : {}),
    ...(target.api_endpoint ? { apiEndpoint: target.api_endpoint } : {}),
    ...credentialOptions(target, projectRoot),
  };
  return new BigQuery(options);
}

function credentialOptions(target: BigQueryTargetConfig, projectRoot: string): Partial<BigQueryOptions> {
  switch (target.method) {
    case 'service-account': {
      if (!target.keyfile) throw profileError(target, "method 'service-account' needs 'keyfile' (the path of a service account key file)");
      const file = path.resolve(projectRoot, target.keyfile);
      try {
        readFileSync(file);
      } catch {
        throw profileError(target, `the service account key file ${target.keyfile} cannot be read`, 'check keyfile in profiles.yml (relative paths start at the project directory)');
      }
      return { keyFilename: file };
    }
    case 'service-account-json': {
      const raw = target.keyfile_json;
      if (raw === undefined) throw profileError(target, "method 'service-account-json' needs 'keyfile_json' (the key, usually {{ env_var('...') }})");
      if (typeof raw !== 'string') return { credentials: raw as BigQueryOptions['credentials'] };
      try {
        return { credentials: JSON.parse(raw) as BigQueryOptions['credentials'] };
      } catch {
        // The text is a secret: say what is wrong with it, never what it is.
        throw profileError(target, "'keyfile_json' is not valid JSON", 'paste the whole service account key file, or use method service-account with keyfile');
      }
    }
    case 'oauth-secrets': {
      const client = new OAuth2Client({ clientId: target.client_id, clientSecret: target.client_secret });
      if (target.token) client.setCredentials({ access_token: target.token });
      else if (target.refresh_token && target.client_id && target.client_secret) client.setCredentials({ refresh_token: target.refresh_token });
      else throw profileError(target, "method 'oauth-secrets' needs 'token', or 'refresh_token' with 'client_id' and 'client_secret'");
      return { authClient: client as unknown as BigQueryOptions['authClient'] };
    }
    default:
      // Application default credentials: found by Google's auth library when the first request is made.
      return {};
  }
}

/** Every credential of the target as text, for redaction. */
export function secretsOf(target: BigQueryTargetConfig): string[] {
  const json = target.keyfile_json;
  const fromJson =
    json === undefined ? [] : typeof json === 'string' ? [json, ...secretStrings(safeParse(json))] : secretStrings(json);
  return [target.token, target.refresh_token, target.client_secret, ...fromJson].filter((s): s is string => typeof s === 'string' && s.length >= 3);
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function secretStrings(value: unknown): string[] {
  if (!value || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  return ['private_key', 'private_key_id', 'client_secret', 'refresh_token'].map((k) => record[k]).filter((v): v is string => typeof v === 'string');
}

function profileError(target: BigQueryTargetConfig, message: string, hint?: string): XformError {
  return new XformError('XFORM_PROFILE_INVALID', `target '${target.name}' (bigquery): ${message}`, { hint: hint ?? 'see the BigQuery profile options in the README' });
}
