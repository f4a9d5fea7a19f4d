/**
 * Brute-force lockout (SPEC §7 Auth), as a pure function of the recent failures: 5 failures
 * against one account (or one unknown name, see attemptKey) from one IP within 15 minutes lock
 * it for that IP, 20 from any IPs lock it for everyone, each for 15 minutes from the failure
 * that reached the limit.
 * Attempts refused while locked are not counted, so the newest failure starts the lock.
 */
export const LOCK_WINDOW_MS = 15 * 60 * 1000;
export const LOCK_DURATION_MS = 15 * 60 * 1000;
export const PER_IP_LIMIT = 5;
export const GLOBAL_LIMIT = 20;

/**
 * `failures`: times of the most recent failures, newest first (at least `limit` of them when
 * there are that many). Returns when the lock ends, or undefined when not locked.
 */
export function lockedUntil(failures: Date[], limit: number, now: Date): Date | undefined {
  if (failures.length < limit) return undefined;
  const newest = failures[0].getTime();
  const limitReached = failures[limit - 1].getTime();
  if (newest - limitReached > LOCK_WINDOW_MS) return undefined;
  const until = newest + LOCK_DURATION_MS;
  return until > now.getTime() ? new Date(until) : undefined;
}

/**
 * What failed logins are counted under (finding 5 of issue 9): the account when the typed
 * username or email names one, so that every spelling of it shares one count; otherwise the
 * typed name, trimmed and lower-cased, so that unknown names lock alike and reveal nothing.
 * The two kinds are prefixed so that no typed name can stand for an account.
 */
export function attemptKey(typed: string, userId: string | undefined): string {
  return userId ? accountAttemptKey(userId) : `name:${loginName(typed)}`.slice(0, 255);
}

/** A typed username or email as login compares it: trimmed, lower-cased. */
export function loginName(typed: string): string {
  return typed.trim().toLowerCase();
}

/** The key an account's failures are counted under, whichever spelling was typed. */
export function accountAttemptKey(userId: string): string {
  return `user:${userId}`;
}
