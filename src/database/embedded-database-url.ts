import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * While `npm start` runs the embedded PostgreSQL (on a port picked at start), its URL is kept
 * in DATA_DIR so that the TypeORM CLI can reach the same database.
 */
function fileIn(dataDir: string): string {
  return join(resolve(dataDir), 'embedded-database-url');
}

export function writeEmbeddedDatabaseUrl(dataDir: string, url: string): () => void {
  const file = fileIn(dataDir);
  writeFileSync(file, url + '\n', { mode: 0o600 });
  return () => rmSync(file, { force: true });
}

export function readEmbeddedDatabaseUrl(dataDir: string): string | undefined {
  try {
    return readFileSync(fileIn(dataDir), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
