/**
 * Benchmark: do logins (bcrypt at the configured cost, 12 by default) stall other requests?
 * Starts the real server (embedded PostgreSQL and S3 unless DATABASE_URL / MINIO_ENDPOINT are
 * set, data in a temporary DATA_DIR), creates a user, then fires CONCURRENCY logins at once
 * while probing GET /health every 10 ms, and prints the latency of both.
 *
 *   npm run bench:login                      # 20 concurrent logins
 *   CONCURRENCY=50 BCRYPT_ROUNDS=12 npm run bench:login
 */
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AppModule } from '../src/app.module';
import { configureApp } from '../src/app.setup';
import { prepareRuntime } from '../src/runtime';

const concurrency = Number(process.env.CONCURRENCY ?? 20);
const password = 'Bench-Passw0rd';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function describe(label: string, values: number[]): string {
  const f = (n: number) => n.toFixed(1).padStart(7);
  return `${label.padEnd(22)} n=${String(values.length).padStart(4)}  p50 ${f(percentile(values, 50))} ms  p95 ${f(percentile(values, 95))} ms  max ${f(Math.max(...values))} ms`;
}

async function probeHealth(base: string, until: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  while (!until()) {
    const started = performance.now();
    await fetch(`${base}/health`).then((res) => res.arrayBuffer());
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return latencies;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lc-bench-'));
  const runtime = await prepareRuntime({
    ...process.env,
    DATA_DIR: process.env.DATA_DIR ?? dataDir,
    LOG_LEVEL: 'warn',
    THROTTLE_LIMIT: '1000000',
    LOGIN_THROTTLE_LIMIT: '1000000',
    // Every login of the burst waits its turn (beyond the queue they would be 503 server-busy).
    PASSWORD_HASH_QUEUE_MAX: String(concurrency),
    BCRYPT_ROUNDS: process.env.BCRYPT_ROUNDS ?? '12',
  });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(runtime.config), {
    bodyParser: false,
    bufferLogs: true,
  });
  configureApp(app, runtime.config);
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  try {
    const setup = await fetch(`${base}/api/v1/auth/setup-first-admin`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        username: `bench${Date.now()}`,
        email: `bench${Date.now()}@example.test`,
        password,
        first_name: 'Bench',
        last_name: 'Mark',
      }),
    });
    const username = ((await setup.json()) as { username?: string }).username;
    if (!username)
      throw new Error('set-up failed: the database must be empty (use a fresh DATA_DIR)');

    const idle = await probeHealth(
      base,
      (
        (end) => () =>
          performance.now() > end
      )(performance.now() + 1000),
    );
    let done = false;
    const loginLatencies: number[] = [];
    const probing = probeHealth(base, () => done);
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        const t0 = performance.now();
        const res = await fetch(`${base}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ username, password }),
        });
        if (res.status !== 200) throw new Error(`login answered ${res.status}`);
        await res.arrayBuffer();
        loginLatencies.push(performance.now() - t0);
      }),
    );
    const wall = performance.now() - started;
    done = true;
    const underLoad = await probing;
    console.log(
      `bcrypt cost ${runtime.config.auth.bcryptRounds}, ${concurrency} concurrent logins, ${wall.toFixed(0)} ms in all`,
    );
    console.log(describe('GET /health idle', idle));
    console.log(describe('GET /health under load', underLoad));
    console.log(describe('POST /auth/login', loginLatencies));
  } finally {
    await app.close();
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
