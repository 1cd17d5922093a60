/**
 * A local HTTP server that answers the BigQuery REST calls the adapter makes (jobs.insert, jobs.get,
 * jobs.getQueryResults, jobs.cancel, tables.get, datasets.list and the multipart upload of load jobs), so
 * the real @google-cloud/bigquery client can be pointed at it with `apiEndpoint`. Each test says how a
 * statement is answered; every request is recorded to check which jobs were sent.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Field {
  name: string;
  type: string;
  mode?: 'NULLABLE' | 'REQUIRED' | 'REPEATED';
  fields?: Field[];
}

/** How one statement is answered. */
export type Answer =
  | { fields: Field[]; rows: unknown[][]; bytes?: number; slotMs?: number }
  | { dml: number; statementType?: string }
  | { ctas: { datasetId: string; tableId: string; numRows: number } }
  | { error: { status: number; reason: string; message: string }; when?: 'insert' | 'results' }
  | { pending: true };

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: string;
  headers: IncomingMessage['headers'];
}

interface StoredJob {
  resource: Record<string, unknown>;
  answer: Answer;
  cancelled: boolean;
}

export class FakeBigQuery {
  readonly requests: RecordedRequest[] = [];
  /** Tables that tables.get finds, by `dataset.table`, with their type and row count. */
  readonly tables = new Map<string, { type: string; numRows?: number }>();
  datasets: string[] = [];
  /** Answers for statements, tried in order; the first whose test matches wins. Default: an empty result. */
  answers: { test: (sql: string) => boolean; answer: Answer | (() => Answer) }[] = [];
  private readonly jobs = new Map<string, StoredJob>();
  private server: Server | undefined;
  private seq = 0;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, body, headers: req.headers });
        void this.route(req.method ?? 'GET', url, body, res);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  answer(test: RegExp | ((sql: string) => boolean), answer: Answer | (() => Answer)): void {
    this.answers.push({ test: typeof test === 'function' ? test : (sql) => test.test(sql), answer });
  }

  /** The query configurations of every jobs.insert, in order. */
  insertedJobs(): { query?: string; dryRun?: boolean; labels?: Record<string, string>; jobId: string; configuration: Record<string, any> }[] {
    return this.requests
      .filter((r) => r.method === 'POST' && /^\/bigquery\/v2\/projects\/[^/]+\/jobs$/u.test(r.path))
      .map((r) => {
        const job = JSON.parse(r.body) as { configuration: Record<string, any>; jobReference: { jobId: string } };
        return { query: job.configuration.query?.query, dryRun: job.configuration.dryRun, labels: job.configuration.labels, jobId: job.jobReference.jobId, configuration: job.configuration };
      });
  }

  private find(sql: string): Answer {
    const found = this.answers.find((a) => a.test(sql));
    if (!found) return { fields: [], rows: [] };
    return typeof found.answer === 'function' ? found.answer() : found.answer;
  }

  private async route(method: string, url: URL, body: string, res: ServerResponse): Promise<void> {
    const path = url.pathname;
    let m: RegExpExecArray | null;
    if (method === 'POST' && (m = /^\/bigquery\/v2\/projects\/([^/]+)\/jobs$/u.exec(path))) return this.insertJob(m[1]!, JSON.parse(body), res);
    if (method === 'POST' && (m = /^\/upload\/bigquery\/v2\/projects\/([^/]+)\/jobs$/u.exec(path))) return this.upload(m[1]!, body, res);
    if (method === 'GET' && (m = /^\/bigquery\/v2\/projects\/([^/]+)\/queries\/([^/]+)$/u.exec(path))) return this.results(m[2]!, res);
    if (method === 'POST' && (m = /^\/bigquery\/v2\/projects\/([^/]+)\/jobs\/([^/]+)\/cancel$/u.exec(path))) {
      const job = this.jobs.get(m[2]!);
      if (job) job.cancelled = true;
      return send(res, 200, { kind: 'bigquery#jobCancelResponse', job: job?.resource });
    }
    if (method === 'GET' && (m = /^\/bigquery\/v2\/projects\/([^/]+)\/jobs\/([^/]+)$/u.exec(path))) {
      const job = this.jobs.get(m[2]!);
      return job ? send(res, 200, job.resource) : notFound(res, `Not found: Job ${m[2]}`);
    }
    if (method === 'GET' && (m = /^\/bigquery\/v2\/projects\/([^/]+)\/datasets\/([^/]+)\/tables\/([^/]+)$/u.exec(path))) {
      const table = this.tables.get(`${m[2]}.${m[3]}`);
      if (!table) return notFound(res, `Not found: Table ${m[1]}:${m[2]}.${m[3]}`);
      return send(res, 200, { kind: 'bigquery#table', type: table.type, numRows: String(table.numRows ?? 0), numBytes: '100', tableReference: { projectId: m[1], datasetId: m[2], tableId: m[3] } });
    }
    if (method === 'GET' && (m = /^\/bigquery\/v2\/projects\/([^/]+)\/datasets$/u.exec(path))) {
      return send(res, 200, { kind: 'bigquery#datasetList', datasets: this.datasets.map((d) => ({ id: `${m![1]}:${d}`, datasetReference: { projectId: m![1], datasetId: d } })) });
    }
    return notFound(res, `the fake BigQuery does not know ${method} ${path}`);
  }

  private insertJob(project: string, job: any, res: ServerResponse): void {
    const jobId: string = job.jobReference.jobId;
    const location: string = job.jobReference.location ?? 'US';
    const sql: string = job.configuration.query?.query ?? '';
    const answer = this.find(sql);
    if ('error' in answer && answer.when === 'insert') return sendError(res, answer.error);
    const statistics: Record<string, any> = { totalBytesProcessed: String('bytes' in answer ? (answer.bytes ?? 0) : 1024), query: {} };
    if ('fields' in answer) {
      statistics.query = { statementType: 'SELECT', schema: { fields: answer.fields }, totalBytesBilled: String(answer.bytes ?? 10485760), totalSlotMs: String(answer.slotMs ?? 42) };
      statistics.totalSlotMs = String(answer.slotMs ?? 42);
    }
    if ('dml' in answer) statistics.query = { statementType: answer.statementType ?? 'MERGE', numDmlAffectedRows: String(answer.dml), schema: { fields: [] } };
    if ('ctas' in answer) {
      statistics.query = { statementType: 'CREATE_TABLE_AS_SELECT', ddlTargetTable: { projectId: project, ...answer.ctas }, schema: { fields: [] } };
      this.tables.set(`${answer.ctas.datasetId}.${answer.ctas.tableId}`, { type: 'TABLE', numRows: answer.ctas.numRows });
    }
    if (job.configuration.query?.createSession) statistics.sessionInfo = { sessionId: `session-${++this.seq}` };
    const resource = {
      kind: 'bigquery#job',
      id: `${project}:${location}.${jobId}`,
      jobReference: { projectId: project, jobId, location },
      configuration: job.configuration,
      status: { state: job.configuration.dryRun ? 'DONE' : 'RUNNING' },
      statistics,
    };
    this.jobs.set(jobId, { resource, answer, cancelled: false });
    send(res, 200, resource);
  }

  private results(jobId: string, res: ServerResponse): void {
    const job = this.jobs.get(jobId);
    if (!job) return notFound(res, `Not found: Job ${jobId}`);
    const ref = job.resource.jobReference;
    if (job.cancelled) {
      job.resource.status = { state: 'DONE', errorResult: { reason: 'stopped', message: 'Job execution was cancelled: User requested cancellation' } };
      return sendError(res, { status: 400, reason: 'stopped', message: 'Job execution was cancelled: User requested cancellation' });
    }
    const answer = job.answer;
    if ('pending' in answer) {
      // Long-polling: answer "not yet" after a short wait, like BigQuery does after timeoutMs.
      setTimeout(() => send(res, 200, { kind: 'bigquery#getQueryResultsResponse', jobReference: ref, jobComplete: false }), 30);
      return;
    }
    if ('error' in answer) {
      job.resource.status = { state: 'DONE', errorResult: { reason: answer.error.reason, message: answer.error.message } };
      return sendError(res, answer.error);
    }
    job.resource.status = { state: 'DONE' };
    const fields = 'fields' in answer ? answer.fields : [];
    const rows = 'fields' in answer ? answer.rows.map((row) => encodeRow(row, fields)) : undefined;
    send(res, 200, {
      kind: 'bigquery#getQueryResultsResponse',
      jobReference: ref,
      jobComplete: true,
      schema: { fields },
      ...(rows ? { rows, totalRows: String(rows.length) } : { totalRows: '0' }),
      ...('dml' in answer ? { numDmlAffectedRows: String(answer.dml) } : {}),
    });
  }

  /** A multipart/related upload: the first part is the job (JSON), the second the file. */
  private upload(project: string, body: string, res: ServerResponse): void {
    const parts = body.split(/--[^\r\n]+\r?\n/u).filter((p) => p.includes('\r\n\r\n') || p.includes('\n\n'));
    const partBody = (p: string) => p.slice(p.search(/\r?\n\r?\n/u)).replace(/^\r?\n\r?\n/u, '').replace(/\r?\n$/u, '');
    const job = JSON.parse(partBody(parts[0]!)) as any;
    const csv = partBody(parts[1] ?? '').replace(/\r?\n--[^\r\n]*--\s*$/u, '');
    const jobId: string = job.jobReference.jobId;
    const lines = csv.split(/\r?\n/u).filter((l) => l !== '' && !l.startsWith('--'));
    const resource = {
      kind: 'bigquery#job',
      id: `${project}:US.${jobId}`,
      jobReference: { projectId: project, jobId, location: job.jobReference.location ?? 'US' },
      configuration: job.configuration,
      status: { state: 'DONE' },
      statistics: { load: { outputRows: String(Math.max(0, lines.length - (job.configuration.load.skipLeadingRows ?? 0))) } },
      uploadedCsv: csv,
    };
    this.jobs.set(jobId, { resource, answer: { dml: 0 }, cancelled: false });
    send(res, 200, resource);
  }

  /** The CSV text of each load job, with its configuration. */
  loads(): { csv: string; load: Record<string, any> }[] {
    return [...this.jobs.values()]
      .filter((j) => 'uploadedCsv' in j.resource)
      .map((j) => ({ csv: String(j.resource.uploadedCsv), load: (j.resource.configuration as any).load }));
  }
}

function encodeValue(value: unknown, field: Field): unknown {
  if (value === null || value === undefined) return null;
  if (field.mode === 'REPEATED') return (value as unknown[]).map((v) => ({ v: encodeValue(v, { ...field, mode: 'NULLABLE' }) }));
  if (field.type === 'RECORD') return encodeRow((field.fields ?? []).map((f) => (value as Record<string, unknown>)[f.name]), field.fields ?? []);
  return String(value);
}

function encodeRow(row: unknown[], fields: Field[]): { f: { v: unknown }[] } {
  return { f: fields.map((field, i) => ({ v: encodeValue(row[i], field) })) };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, error: { status: number; reason: string; message: string }): void {
  send(res, error.status, { error: { code: error.status, message: error.message, errors: [{ reason: error.reason, message: error.message, domain: 'global' }] } });
}

function notFound(res: ServerResponse, message: string): void {
  sendError(res, { status: 404, reason: 'notFound', message });
}
