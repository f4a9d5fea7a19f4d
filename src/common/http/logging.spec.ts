import express, { type Request } from 'express';
import { storage } from 'nestjs-pino/storage';
import request from 'supertest';
import type { LogLevel } from '../../config/app-config';
import type { ApplicationConfig } from '../../config/app-config';
import { requestLogging, rootLogger } from './logging';
import { requestIdMiddleware } from './request-id';

/** An Express app with the request id and logging middleware, logging into `lines`. */
function appLoggingAt(level: LogLevel) {
  const lines: Record<string, unknown>[] = [];
  const root = rootLogger({ logLevel: level } as ApplicationConfig, {
    write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  const child = jest.spyOn(root, 'child');
  const app = express();
  app.use(requestIdMiddleware);
  app.use(requestLogging(root));
  app.use((req: Request, _res, next) => {
    if (req.headers.authorization) req.user = { id: 'user-1' } as Request['user'];
    next();
  });
  app.get('/ok', (_req, res) => void res.json({ ok: true }));
  app.get('/health', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/missing', (_req, res) => void res.status(404).json({}));
  app.get('/boom', (_req, res) => {
    // What the problem filter does for an unexpected error: log it in the request's context.
    storage
      .getStore()!
      .logger.error(
        { err: { message: 'insert failed', parameters: ['KH-123456'] }, password: 'Secret-1' },
        'Request failed unexpectedly',
      );
    res.status(500).json({});
  });
  return { app, lines, child };
}

/** The lines are written when the response closes, just after supertest has it. */
const settled = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('request logging', () => {
  it('at warn, a successful request logs nothing and makes no child logger', async () => {
    const { app, lines, child } = appLoggingAt('warn');
    for (let i = 0; i < 3; i++) {
      expect((await request(app).get('/ok').set('Authorization', 'Bearer x')).status).toBe(200);
    }
    await settled();
    expect(lines).toEqual([]);
    expect(child).not.toHaveBeenCalled();
  });

  it('at warn, a 4xx is one warn line with the request id, user id and status', async () => {
    const { app, lines, child } = appLoggingAt('warn');
    await request(app).get('/missing?q=1').set('X-Request-Id', 'req-404').set('Authorization', 'x');
    await settled();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 40,
      msg: 'request completed',
      req: { id: 'req-404', method: 'GET', url: '/missing' },
      res: { statusCode: 404 },
      user_id: 'user-1',
    });
    expect(typeof lines[0].responseTime).toBe('number');
    expect(JSON.stringify(lines[0])).not.toContain('Bearer');
    expect(child).not.toHaveBeenCalled();
  });

  it('an error logged during a request carries the request id, without secrets', async () => {
    const { app, lines } = appLoggingAt('warn');
    await request(app).get('/boom').set('X-Request-Id', 'req-500');
    await settled();
    const [logged, completion] = lines;
    expect(logged).toMatchObject({
      level: 50,
      msg: 'Request failed unexpectedly',
      req: { id: 'req-500', url: '/boom' },
      err: { message: 'insert failed', parameters: '[redacted]' },
      password: '[redacted]',
    });
    expect(JSON.stringify(lines)).not.toMatch(/KH-123456|Secret-1/);
    expect(completion).toMatchObject({
      level: 50,
      msg: 'request errored',
      req: { id: 'req-500' },
      res: { statusCode: 500 },
    });
  });

  it('at info, a success is logged once; probes are not', async () => {
    const { app, lines } = appLoggingAt('info');
    await request(app).get('/ok').set('X-Request-Id', 'req-200');
    await request(app).get('/health');
    await settled();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { id: 'req-200', url: '/ok' },
      res: { statusCode: 200 },
    });
  });
});
