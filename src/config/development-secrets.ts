import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DevelopmentSecrets {
  secretKey: string;
  dataEncryptionKey: Buffer;
}

/**
 * Outside production the JWT secret and the data-encryption key may be left unset: they are
 * generated once and kept under DATA_DIR, so tokens and encrypted columns survive restarts.
 * The two are generated independently (the encryption key is never derived from the JWT secret).
 */
export function loadDevelopmentSecrets(dataDir: string): DevelopmentSecrets {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'secrets.json');
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    if (stored.secretKey && stored.dataEncryptionKey) {
      return {
        secretKey: stored.secretKey,
        dataEncryptionKey: Buffer.from(stored.dataEncryptionKey, 'base64'),
      };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secrets = {
    secretKey: randomBytes(48).toString('base64url'),
    dataEncryptionKey: randomBytes(32).toString('base64'),
  };
  // 'wx' fails when a concurrent start wrote the file first; then read theirs.
  try {
    writeFileSync(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadDevelopmentSecrets(dataDir);
    throw error;
  }
  return {
    secretKey: secrets.secretKey,
    dataEncryptionKey: Buffer.from(secrets.dataEncryptionKey, 'base64'),
  };
}
