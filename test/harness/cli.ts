import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { Env } from '../../src/config/environment';
import { testEnvironment } from './test-app';

const CLI = join(__dirname, '..', '..', 'dist', 'src', 'cli.js');

export interface CliResult {
  /** The exit code (null when it was killed). */
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `npm run cli -- <args>` as an operator runs it: the compiled CLI, over the database at
 * `databaseUrl` with the tests' environment and `env`. Asynchronous: the harness's S3 server may
 * run in this very process.
 */
export function runCli(
  databaseUrl: string,
  args: string[],
  env: Env = {},
  timeout = 30_000,
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...testEnvironment(databaseUrl, env), PATH: process.env.PATH ?? '' }, timeout },
      (error, stdout, stderr) =>
        resolve({
          status: error ? (typeof error.code === 'number' ? error.code : null) : 0,
          stdout,
          stderr,
        }),
    );
  });
}
