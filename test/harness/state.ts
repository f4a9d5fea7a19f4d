/** What the global set-up hands to the test files (through the environment of the workers). */
export interface HarnessState {
  adminUrl: string;
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
