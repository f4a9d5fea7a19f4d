import { rmSync } from 'node:fs';
import { Client } from 'pg';
import { clearState, loadState } from './state';

/** Stops what the global set-up started and removes its databases and files. */
export default async function globalTeardown(): Promise<void> {
  const state = loadState();
  const admin = new Client({ connectionString: state.adminUrl });
  try {
    await admin.connect();
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`,
      [state.template, `${state.template}_%`],
    );
    for (const { datname } of rows) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } catch {
    // Best effort: an embedded server is about to be stopped with its files anyway.
  } finally {
    await admin.end().catch(() => undefined);
  }
  const stops =
    (globalThis as { __LC_E2E_STOPS__?: (() => Promise<void>)[] }).__LC_E2E_STOPS__ ?? [];
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  rmSync(state.workDir, { recursive: true, force: true });
  clearState();
}
