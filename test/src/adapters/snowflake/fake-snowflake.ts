/**
 * A local HTTP server speaking the part of Snowflake's REST protocol that snowflake-sdk uses for a session
 * (login-request, query-request, abort-request, session delete), so the real SDK can be pointed at it with
 * `accessUrl`. Each test says how a statement is answered; logins and statements are recorded.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface Column {
  name: string;
  type: 'fixed' | 'real' | 'text' | 'boolean' | 'date' | 'timestamp_ntz';
  scale?: number;
}

export type Answer =
  | { columns: Column[]; rows: (string | null)[][] }
  | { dml: number; kind?: 'insert' | 'delete' | 'merge' }
  | { error: { code: string; sqlState: string; message: string } }
  | { hang: true };

export interface RecordedStatement {
  sql: string;
  bindings?: Record<string, { type: string; value: unknown }>;
  queryId: string;
}

const DML_TYPE = { insert: 0x3100, delete: 0x3300, merge: 0x3400 } as const;

export class FakeSnowflake {
  readonly logins: Record<string, unknown>[] = [];
  readonly statements: RecordedStatement[] = [];
  readonly aborted: string[] = [];
  answers: { test: (sql: string) => boolean; answer: Answer }[] = [];
  private server: Server | undefined;
  private seq = 0;
  private readonly hanging = new Map<string, ServerResponse>();

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        let raw = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
        const body = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as Record<string, any>) : {};
        this.route(new URL(req.url ?? '/', 'http://127.0.0.1').pathname, body, res);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging.values()) res.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  answer(test: RegExp, answer: Answer): void {
    this.answers.push({ test: (sql) => test.test(sql), answer });
  }

  private route(path: string, body: Record<string, any>, res: ServerResponse): void {
    if (path === '/session/v1/login-request') {
      this.logins.push(body.data ?? {});
      if (body.data?.PASSWORD === 'wrong-password') {
        return send(res, { success: false, code: '390100', message: 'Incorrect username or password was specified.', data: { nextAction: 'RETRY_LOGIN' } });
      }
      return send(res, {
        success: true,
        data: {
          token: 'session-token',
          masterToken: 'master-token',
          validityInSeconds: 3600,
          masterValidityInSeconds: 14400,
          sessionId: 1,
          parameters: [{ name: 'CLIENT_SESSION_KEEP_ALIVE', value: false }],
          sessionInfo: { databaseName: 'ANALYTICS_DB', schemaName: 'MARTS', warehouseName: 'XS', roleName: 'TRANSFORMER' },
        },
      });
    }
    if (path === '/queries/v1/query-request') return this.query(body, res);
    if (path === '/queries/v1/abort-request' || /^\/queries\/[^/]+\/abort-request$/u.test(path)) {
      this.aborted.push(String(body.requestId ?? path));
      for (const [queryId, pending] of this.hanging) {
        this.hanging.delete(queryId);
        send(pending, { success: false, code: '000604', message: 'SQL execution canceled', data: { sqlState: '57014', queryId } });
      }
      return send(res, { success: true, data: null });
    }
    // Session delete, heartbeats, telemetry: acknowledged.
    return send(res, { success: true, data: null });
  }

  private query(body: Record<string, any>, res: ServerResponse): void {
    const sql = String(body.sqlText);
    const queryId = `01b2-query-${++this.seq}`;
    this.statements.push({ sql, bindings: body.bindings ?? undefined, queryId });
    const found = this.answers.find((a) => a.test(sql))?.answer ?? { columns: [{ name: 'status', type: 'text' }], rows: [['Statement executed successfully.']] };
    if ('hang' in found) {
      this.hanging.set(queryId, res);
      return;
    }
    if ('error' in found) {
      return send(res, { success: false, code: found.error.code, message: found.error.message, data: { sqlState: found.error.sqlState, queryId } });
    }
    const bindRows = body.bindings ? Math.max(1, ...Object.values(body.bindings as Record<string, { value: unknown }>).map((b) => (Array.isArray(b.value) ? b.value.length : 1))) : 0;
    const { rowtype, rowset, statementTypeId } =
      'dml' in found
        ? { rowtype: [{ name: `number of rows ${found.kind ?? 'insert'}ed`, type: 'fixed', scale: 0, precision: 19, nullable: false }], rowset: [[String(found.dml < 0 ? bindRows : found.dml)]], statementTypeId: DML_TYPE[found.kind ?? 'insert'] }
        : {
            rowtype: found.columns.map((c) => ({ name: c.name, type: c.type, scale: c.scale ?? 0, precision: c.type === 'fixed' ? 38 : null, nullable: true, length: null, byteLength: null })),
            rowset: found.rows,
            statementTypeId: 0x1000,
          };
    send(res, {
      success: true,
      data: {
        parameters: [],
        rowtype,
        rowset,
        total: rowset.length,
        returned: rowset.length,
        queryId,
        queryResultFormat: 'json',
        statementTypeId,
        version: 1,
        finalDatabaseName: 'ANALYTICS_DB',
        finalSchemaName: 'MARTS',
      },
    });
  }
}

function send(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
