/**
 * Starts what the e2e suites need, once: PostgreSQL and an S3 server (embedded, unless
 * TEST_DATABASE_URL / TEST_S3_ENDPOINT name external ones), and a template database with
 * every migration applied. Each test file then clones its own database from the template.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import {
  APPLICATION_ROLE,
  applicationRolePassword,
  ensureApplicationRole,
  grantRuntimePrivileges,
} from '../../src/database/database-roles';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { runMigrationsLocked } from '../../src/database/migrate';
import { startEmbeddedS3 } from '../../src/storage/embedded-s3';
import { withClient } from './pg';
import { databaseUrl, type HarnessState, saveState, TEMPLATE_PREFIX } from './state';

async function createTemplate(adminUrl: string, name: string, appRole: string): Promise<void> {
  await withClient(adminUrl, async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
    await admin.query(`CREATE DATABASE "${name}"`);
  });
  const dataSource = new DataSource({
    ...dataSourceOptions({
      url: databaseUrl(adminUrl, name),
      poolSize: 2,
      ssl: false,
      statementTimeoutMs: 60000,
      connectTimeoutMs: 5000,
    }),
  });
  await dataSource.initialize();
  try {
    // Clones inherit the grants: their servers' pools log in as the application role.
    await runMigrationsLocked(dataSource, () => grantRuntimePrivileges(dataSource, appRole));
  } finally {
    await dataSource.destroy();
  }
}

export default async function globalSetup(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'lc-e2e-'));
  const stops: (() => Promise<void>)[] = [];
  try {
    let adminUrl = process.env.TEST_DATABASE_URL?.trim();
    if (!adminUrl) {
      const postgres = await startEmbeddedPostgres({
        directory: join(workDir, 'postgres'),
        ephemeral: true,
      });
      stops.push(() => postgres.stop());
      adminUrl = postgres.url;
    }
    // Once per cluster (the embedded launcher has made it already; an external one may not have).
    const appPassword = applicationRolePassword(adminUrl);
    await ensureApplicationRole(adminUrl, appPassword);
    let s3: HarnessState['s3'];
    const externalS3 = process.env.TEST_S3_ENDPOINT?.trim();
    if (externalS3) {
      s3 = {
        endpoint: externalS3,
        accessKeyId: process.env.TEST_S3_ACCESS_KEY ?? process.env.MINIO_ACCESS_KEY ?? 'minioadmin',
        secretAccessKey:
          process.env.TEST_S3_SECRET_KEY ?? process.env.MINIO_SECRET_KEY ?? 'minioadmin',
        s3rver: false,
      };
    } else {
      const server = await startEmbeddedS3({ directory: join(workDir, 's3') });
      stops.push(() => server.stop());
      s3 = { ...server, s3rver: true };
    }
    const template = `${TEMPLATE_PREFIX}${process.pid}`;
    await createTemplate(adminUrl, template, APPLICATION_ROLE);
    saveState({ adminUrl, appPassword, template, s3, workDir });
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    rmSync(workDir, { recursive: true, force: true });
    throw error;
  }
  // The teardown runs in this same process: it finds the stop functions here.
  (globalThis as { __LC_E2E_STOPS__?: typeof stops }).__LC_E2E_STOPS__ = stops;
}
