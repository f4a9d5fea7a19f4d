import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** `.env` in the working directory, when present; real environment variables win. */
export function loadDotEnv(cwd = process.cwd()): void {
  const file = join(cwd, '.env');
  if (existsSync(file)) process.loadEnvFile(file);
}

export function packageVersion(): string {
  // Works from src/config/ (ts-node, jest) and from dist/src/config/ (compiled).
  for (const candidate of ['../../package.json', '../../../package.json']) {
    const path = resolve(__dirname, candidate);
    if (existsSync(path))
      return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  }
  return '0.0.0';
}
