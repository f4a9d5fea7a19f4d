import { createHash, randomBytes } from 'node:crypto';

/**
 * Refresh tokens are `<session id>.<32 random bytes, base64url>`; only a SHA-256 of the random
 * part is stored. The session id lets a replayed (rotated) token be traced to its session.
 */
export interface RefreshToken {
  sessionId: string;
  secret: string;
}

const FORMAT =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

export function newRefreshSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function formatRefreshToken(sessionId: string, secret: string): string {
  return `${sessionId}.${secret}`;
}

export function parseRefreshToken(token: string): RefreshToken | undefined {
  const match = FORMAT.exec(token);
  return match ? { sessionId: match[1], secret: match[2] } : undefined;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
