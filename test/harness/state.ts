import { APPLICATION_ROLE, urlWithCredentials } from '../../src/database/database-roles';

/** What the global set-up hands to the test files (through the environment of the workers). */
export interface HarnessState {
  /** The cluster's superuser: owns the databases and runs the migrations. */
  adminUrl: string;
  /** The application role's password (the role the servers' pools log in as). */
  appPassword: string;
  template: string;
  workDir: string;
  s3: { endpoint: string; accessKeyId: string; secretAccessKey: string; s3rver: boolean };
}

export const TEMPLATE_PREFIX = 'lc_e2e_';
const VARIABLE = 'LC_E2E_HARNESS';

export function saveState(state: HarnessState): void {
  process.env[VARIABLE] = JSON.stringify(state);
}

export function loadState(): HarnessState {
  const raw = process.env[VARIABLE];
  if (!raw) throw new Error('The e2e global set-up did not run (use `npm run test:e2e`).');
  return JSON.parse(raw) as HarnessState;
}

export function clearState(): void {
  delete process.env[VARIABLE];
}

export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** `url` (any database of the cluster) for the application role: what a server's pool uses. */
export function asApplicationRole(url: string): string {
  return urlWithCredentials(url, APPLICATION_ROLE, loadState().appPassword);
}

/** `url` (any database of the cluster) for the superuser, who owns the schema. */
export function asOwner(url: string): string {
  const admin = new URL(loadState().adminUrl);
  return urlWithCredentials(
    url,
    decodeURIComponent(admin.username),
    decodeURIComponent(admin.password),
  );
}
