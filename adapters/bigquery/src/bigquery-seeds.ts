/**
 * Seeds through a BigQuery load job: the CSV file is uploaded as is (multipart upload with the job) into
 * the staging table core created, appending, with the header skipped and empty fields read as NULL.
 */
import { relative } from 'node:path';
import { access } from 'node:fs/promises';
import type { BigQuery } from '@google-cloud/bigquery';
import { sqlError, XformError, type SeedLoadRequest } from '@xform/core';

export interface LoadSettings {
  defaultProject: string;
  location?: string;
  labels?: Record<string, string>;
  projectRoot: string;
  secrets: string[];
}

export async function loadSeedFile(client: BigQuery, settings: LoadSettings, request: SeedLoadRequest): Promise<number> {
  const path = relative(settings.projectRoot, request.file).split('\\').join('/');
  try {
    await access(request.file);
  } catch {
    throw new XformError('XFORM_SEED_NOT_FOUND', `seed file ${path} does not exist`, { location: { file: path } });
  }
  const { relation } = request;
  const table = client.dataset(relation.schema, { projectId: relation.database ?? settings.defaultProject }).table(relation.identifier, settings.location ? { location: settings.location } : {});
  try {
    const [job] = await table.load(request.file, {
      sourceFormat: 'CSV',
      skipLeadingRows: 1,
      fieldDelimiter: request.delimiter,
      allowQuotedNewlines: true,
      nullMarker: '',
      writeDisposition: 'WRITE_APPEND',
      ...(settings.labels && Object.keys(settings.labels).length > 0 ? { labels: settings.labels } : {}),
    });
    const errors = job.status?.errors ?? [];
    if (job.status?.errorResult || errors.length > 0) {
      const first = job.status?.errorResult ?? errors[0];
      throw Object.assign(new Error(first?.message ?? 'load job failed'), { errors });
    }
    return Number(job.statistics?.load?.outputRows ?? 0);
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    const line = /line: (\d+)|row (\d+)/iu.exec(message);
    if (line) {
      return Promise.reject(
        new XformError('XFORM_SEED_MALFORMED', `${path}: BigQuery could not load the CSV: ${message}`, {
          location: { file: path, line: Number(line[1] ?? line[2]) },
          hint: 'quote fields that contain the delimiter, quotes (doubled: "") or line breaks',
        }),
      );
    }
    throw sqlError(err, `load job: ${path} -> ${relation.schema}.${relation.identifier}`, { label: 'seed', adapter: 'bigquery', secrets: settings.secrets });
  }
}
