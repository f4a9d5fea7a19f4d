/**
 * The real server in this process for the bench scripts that need its internals (the
 * application's DataSource, its cipher): embedded PostgreSQL and S3 unless DATABASE_URL /
 * MINIO_ENDPOINT are set, data in DATA_DIR; and the demo data they read, seeded with the
 * project's seeding code (src/seed/demo-seed.ts) when missing. Shared by bench:applications and
 * bench:dashboard.
 */
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { PasswordHasher } from '../../src/credentials/password-hasher';
import type { Role } from '../../src/common/auth/permissions';
import { FieldCipher } from '../../src/common/crypto/field-cipher';
import { prepareRuntime } from '../../src/runtime';
import type { DemoUser } from '../../src/seed/demo-organisation';
import { parseDemoSeedArgs, seedDemo } from '../../src/seed/demo-seed';
import { existingDemoUsers } from './demo-users';

/** `logLevel`: `error` keeps the 4xx answers (warnings) out of the output. */
export async function startServer(dataDir: string, logLevel: 'warn' | 'error' = 'warn') {
  const runtime = await prepareRuntime({
    ...process.env,
    DATA_DIR: dataDir,
    LOG_LEVEL: logLevel,
    THROTTLE_LIMIT: '1000000',
    LOGIN_THROTTLE_LIMIT: '1000000',
  });
  try {
    const app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot(runtime.config),
      { bodyParser: false, bufferLogs: true },
    );
    configureApp(app, runtime.config);
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    return { app, runtime, base };
  } catch (error) {
    await runtime.stop();
    throw error;
  }
}

export async function countApplications(dataSource: DataSource): Promise<number> {
  const [{ n }] = (await dataSource.query(
    'SELECT count(*)::int AS n FROM customer_applications',
  )) as { n: number }[];
  return n;
}

/**
 * Seeds what is missing to `wanted` (as `count` counts the data there: the applications unless
 * told); the demo users of the biggest run, to sign in as.
 */
export async function ensureDemoData(
  app: INestApplication,
  wanted: number,
  count: (dataSource: DataSource) => Promise<number> = countApplications,
  what = 'applications',
): Promise<DemoUser[]> {
  const dataSource = app.get(DataSource);
  const existing = await count(dataSource);
  if (existing >= wanted) {
    console.log(`Reusing the ${existing} ${what} in the database (no seeding).`);
    return existingDemoUsers((sql, parameters) => dataSource.query(sql, parameters));
  }
  const missing = wanted - existing;
  console.log(`Seeding ${missing} demo applications (${existing} ${what} already there)...`);
  const result = await seedDemo(
    {
      dataSource,
      cipher: app.get(FieldCipher),
      hashPassword: (password) => app.get(PasswordHasher).hash(password),
      log: (line) => console.log(`  ${line}`),
    },
    parseDemoSeedArgs(['--applications', String(missing)]),
  );
  // The seed vacuums what it wrote; the load's dirty pages are written now rather than during
  // the first scenarios (superuser only: skipped elsewhere).
  await dataSource.query('CHECKPOINT').catch(() => undefined);
  return result.users;
}

/** The first user of each role: the admin, and the first branch's manager, officer and viewer. */
export function pickUsers(users: DemoUser[]): Record<Role, DemoUser> {
  const pick = (role: Role) => {
    const user = users.find((candidate) => candidate.role === role);
    if (!user) throw new Error(`no demo ${role}`);
    return user;
  };
  return {
    admin: pick('admin'),
    manager: pick('manager'),
    officer: pick('officer'),
    viewer: pick('viewer'),
  };
}

/** The p-th percentile (nearest rank) of `values`. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
