/**
 * Traces (README "Tracing"): the compiled server as a process of its own with the tracing
 * preload (`node -r dist/src/tracing.js`; instrumentation cannot patch modules inside Jest's own
 * loader), exporting to a small OTLP/HTTP JSON receiver run by this file. One approval must make
 * one trace holding its HTTP span (tagged with the request id), its SQL spans and the audit insert;
 * no span may carry a token, a password or a body value; and SIGTERM flushes what is left.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applicationBody } from '../harness/applications-fixtures';
import { newBranchBody, newDepartmentBody } from '../harness/organisation-fixtures';
import {
  type ServerProcess,
  startServer,
  stopWith,
  TRACING,
  untilHealthy,
} from '../harness/server-process';
import { cloneDatabase, testEnvironment } from '../harness/test-app';
import { tag } from '../harness/unique';

jest.setTimeout(30_000);

interface OtlpAttribute {
  key: string;
  value: Record<string, unknown>;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: OtlpAttribute[];
  scope: string;
}

const SPAN_KIND_SERVER = 2;

/** A collector's OTLP/HTTP endpoint that keeps every span (and every raw body) it is sent. */
class OtlpReceiver {
  readonly spans: OtlpSpan[] = [];
  readonly bodies: string[] = [];
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (request.method === 'POST' && request.url === '/v1/traces') {
        this.bodies.push(body);
        this.collect(JSON.parse(body) as OtlpExport);
      }
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private collect(payload: OtlpExport): void {
    for (const resourceSpans of payload.resourceSpans ?? []) {
      for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
        for (const span of scopeSpans.spans ?? []) {
          this.spans.push({ ...span, scope: scopeSpans.scope?.name ?? '' });
        }
      }
    }
  }
}

interface OtlpExport {
  resourceSpans?: {
    scopeSpans?: { scope?: { name?: string }; spans?: Omit<OtlpSpan, 'scope'>[] }[];
  }[];
}

function attribute(span: OtlpSpan, key: string): unknown {
  const found = span.attributes?.find((entry) => entry.key === key);
  return found ? Object.values(found.value)[0] : undefined;
}

/** The SQL text of a pg span (old or stable semantic conventions). */
function statementOf(span: OtlpSpan): string {
  return String(attribute(span, 'db.statement') ?? attribute(span, 'db.query.text') ?? '');
}

async function until<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`not received within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('traces (OTLP, tracing preload)', () => {
  const receiver = new OtlpReceiver();
  const dataDir = mkdtempSync(join(tmpdir(), 'tracing-'));
  let server: ServerProcess | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;

  afterAll(async () => {
    if (server) await stopWith(server, 'SIGKILL');
    await dropDatabase?.();
    await receiver.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('gives an approval one trace: HTTP span with lc.request_id, its SQL and the audit insert', async () => {
    const endpoint = await receiver.start();
    const database = await cloneDatabase();
    dropDatabase = database.drop;
    server = await startServer(
      dataDir,
      {
        ...testEnvironment(database.url),
        LOG_LEVEL: 'warn',
        // Its own embedded S3 server (the harness' one needs a switch only embedded mode sets).
        DATA_DIR: dataDir,
        MINIO_ENDPOINT: undefined,
        MINIO_ACCESS_KEY: undefined,
        MINIO_SECRET_KEY: undefined,
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        // No batch is due during the test: every span reaches the receiver through the flush
        // on SIGTERM, which is checked too.
        OTEL_BSP_SCHEDULE_DELAY: '60000',
        OTEL_SERVICE_NAME: 'lc-workflow-trace-test',
      },
      ['-r', TRACING],
    );
    await untilHealthy(server);
    const base = `http://127.0.0.1:${server.port}/api/v1`;

    // Everything secret or personal this test sends; none may reach a span.
    const secrets: string[] = [];
    const call = async (
      method: string,
      path: string,
      bearer: string | undefined,
      body?: Record<string, unknown>,
    ) => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}),
          ...(body ? { 'Content-Type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      const json = (await response.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      if (!response.ok)
        throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
      return { json, requestId: response.headers.get('x-request-id') ?? '' };
    };
    const password = `Pw-${tag()}-Secret1!`;
    secrets.push(password);
    const login = async (username: string) => {
      const { json } = await call('POST', '/auth/login', undefined, { username, password });
      secrets.push(json.access_token as string, json.refresh_token as string);
      return json.access_token as string;
    };
    const person = (role: string, unit: Record<string, unknown> = {}) => {
      const name = `${role}_${tag()}`;
      return {
        username: name,
        email: `${name}@example.test`,
        password,
        first_name: 'Trace',
        last_name: role,
        role,
        ...unit,
      };
    };

    const adminBody = person('admin');
    await call('POST', '/auth/setup-first-admin', undefined, adminBody);
    const admin = await login(adminBody.username);
    const unit = {
      branch_id: (await call('POST', '/branches', admin, newBranchBody())).json.id as string,
      department_id: (await call('POST', '/departments', admin, newDepartmentBody())).json
        .id as string,
    };
    const [officerBody, managerBody] = [person('officer', unit), person('manager', unit)];
    await call('POST', '/users', admin, officerBody);
    await call('POST', '/users', admin, managerBody);
    const [officer, manager] = [
      await login(officerBody.username),
      await login(managerBody.username),
    ];

    const fields = applicationBody();
    secrets.push(String(fields.full_name_latin), String(fields.id_number));
    const application = (await call('POST', '/applications', officer, fields)).json;
    const steps = `/applications/${application.id as string}`;
    await call('PATCH', `${steps}/submit`, officer, {});
    await call('PATCH', `${steps}/complete-review`, manager, {});
    await call('PATCH', `${steps}/assess-risk`, manager, {});
    const comment = `approved-${tag()}`;
    secrets.push(comment);
    const approval = await call('PATCH', `${steps}/approve`, admin, { comment });
    expect(approval.json.status).toBe('approved');
    expect(approval.requestId).not.toBe('');

    const stopped = await stopWith(server, 'SIGTERM');
    server = undefined;
    expect(stopped.result).toBe(0);
    expect(stopped.ms).toBeLessThan(5_000);

    const root = await until(
      () =>
        receiver.spans.find(
          (span) =>
            span.kind === SPAN_KIND_SERVER &&
            attribute(span, 'lc.request_id') === approval.requestId,
        ),
      5_000,
      `the server span of request ${approval.requestId}`,
    );
    expect(root.parentSpanId ?? '').toBe('');
    expect(root.name).toMatch(/PATCH/);
    const trace = receiver.spans.filter((span) => span.traceId === root.traceId);
    const byId = new Map(trace.map((span) => [span.spanId, span]));
    const descendsFromRoot = (span: OtlpSpan): boolean => {
      for (let at = span; at.parentSpanId;) {
        if (at.parentSpanId === root.spanId) return true;
        const parent = byId.get(at.parentSpanId);
        if (!parent) return false;
        at = parent;
      }
      return false;
    };
    const sql = trace.filter(
      (span) => span.scope.includes('instrumentation-pg') && statementOf(span),
    );
    expect(sql.length).toBeGreaterThan(3);
    expect(sql.every(descendsFromRoot)).toBe(true);
    const auditInserts = sql.filter((span) =>
      /insert\s+into\s+"?audit_events"?/i.test(statementOf(span)),
    );
    expect(auditInserts).toHaveLength(1);
    // One trace for the request: no other trace carries its id.
    const tagged = receiver.spans.filter(
      (span) => attribute(span, 'lc.request_id') === approval.requestId,
    );
    expect(new Set(tagged.map((span) => span.traceId))).toEqual(new Set([root.traceId]));

    // Nothing secret anywhere in what was exported (every span, attribute and resource).
    const exported = receiver.bodies.join('\n');
    for (const secret of secrets) expect(exported).not.toContain(secret);
    expect(exported).not.toMatch(/authorization|cookie/i);
  });
});
