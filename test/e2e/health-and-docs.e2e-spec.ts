import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EmbeddedS3, startEmbeddedS3 } from '../../src/storage/embedded-s3';
import { withClient } from '../harness/pg';
import { ProbeModule } from '../harness/probe.module';
import { loadState } from '../harness/state';
import { createTestApp, type TestApp } from '../harness/test-app';

describe('health, metrics, service info and OpenAPI', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ imports: [ProbeModule] });
  });
  afterAll(() => t.close());

  it('GET /health is liveness: 200 {status: ok}, no token needed', async () => {
    const res = await t.http.get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('GET /api/v1/health reports database and storage up', async () => {
    const res = await t.http.get('/api/v1/health').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.details).toMatchObject({
      database: { status: 'up' },
      storage: { status: 'up' },
    });
    expect(res.body.details.redis).toBeUndefined();
  });

  it('GET / names the service and its version', async () => {
    const res = await t.http.get('/').expect(200);
    expect(res.body).toMatchObject({
      name: 'LC Workflow server',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
  });

  it('GET /metrics serves Prometheus text with request counts by route template and status', async () => {
    await t.http.get('/api/v1/probe/public').expect(200);
    await t.http.get('/api/v1/probe/widgets/not-a-uuid').expect(401);
    const res = await t.http.get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain('process_cpu_user_seconds_total');
    expect(res.text).toMatch(
      /http_requests_total\{method="GET",route="\/api\/v1\/probe\/public",status="200"\} [1-9]/,
    );
    expect(res.text).toMatch(/route="\/api\/v1\/probe\/widgets\/:id",status="401"/);
    expect(res.text).toContain('http_request_duration_seconds_bucket');
    expect(res.text).toMatch(/db_pool_connections\{state="total"\} \d+/);
    expect(res.text).toMatch(/^lc_password_hash_queue_size 0$/m);
    expect(res.text).toMatch(/^lc_password_hash_queue_max \d+$/m);
    expect(res.text).toMatch(/^lc_password_hash_utilization 0$/m);
  });

  it('GET /docs-json is the OpenAPI document with OAuth2 password flow and stable operationIds', async () => {
    const res = await t.http.get('/docs-json').expect(200);
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components.securitySchemes.oauth2.flows.password.tokenUrl).toBe(
      '/api/v1/auth/login',
    );
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/api/v1/health'].get.operationId).toBe('health_readiness');
    expect(doc.paths['/health'].get.operationId).toBe('health_liveness');
    const ids: string[] = Object.values(doc.paths).flatMap((item) =>
      Object.values(item as Record<string, { operationId: string }>).map((op) => op.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.components.schemas.ProblemDocumentDto).toBeDefined();
    const listWidgets = doc.paths['/api/v1/probe/widgets'].get;
    expect(listWidgets.security).toEqual(expect.arrayContaining([{ bearer: [] }, { oauth2: [] }]));
    expect(listWidgets.responses['401'].content['application/problem+json']).toBeDefined();
  });

  it('GET /docs serves Swagger UI', async () => {
    const res = await t.http.get('/docs').redirects(1);
    expect(res.status).toBe(200);
    expect(res.text).toContain('swagger-ui');
  });
});

describe('readiness when a dependency is down', () => {
  let s3: EmbeddedS3;
  let dir: string;
  let t: TestApp;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lc-s3-down-'));
    s3 = await startEmbeddedS3({ directory: dir });
    t = await createTestApp({
      env: {
        MINIO_ENDPOINT: s3.endpoint,
        MINIO_ACCESS_KEY: s3.accessKeyId,
        MINIO_SECRET_KEY: s3.secretAccessKey,
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await s3.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 naming storage when the S3 server is stopped, within the check deadline', async () => {
    await t.http.get('/api/v1/health').expect(200);
    await s3.stop();
    const started = Date.now();
    const res = await t.http.get('/api/v1/health');
    expect(Date.now() - started).toBeLessThan(4000);
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.down).toEqual(['storage']);
    expect(res.body.detail).toBe('Not ready: storage is down.');
    expect(res.body.details.database.status).toBe('up');
    await t.http.get('/health').expect(200);
  });

  it('answers 503 naming the database when it is gone', async () => {
    await t.dataSource.query('SELECT 1');
    await withClient(loadState().adminUrl, (admin) =>
      admin.query(`DROP DATABASE "${t.databaseName}" WITH (FORCE)`),
    );
    const res = await t.http.get('/api/v1/health');
    expect(res.status).toBe(503);
    expect(res.body.down).toEqual(expect.arrayContaining(['database']));
  });
});

describe('METRICS_TOKEN', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { METRICS_TOKEN: 'scrape-me-please' } });
  });
  afterAll(() => t.close());

  it('requires the token as a bearer token when set', async () => {
    expect((await t.http.get('/metrics')).status).toBe(401);
    expect((await t.http.get('/metrics').set('Authorization', 'Bearer wrong')).status).toBe(401);
    await t.http.get('/metrics').set('Authorization', 'Bearer scrape-me-please').expect(200);
  });
});
