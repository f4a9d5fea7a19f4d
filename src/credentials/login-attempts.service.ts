import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { accountAttemptKey, GLOBAL_LIMIT, lockedUntil, PER_IP_LIMIT } from './lockout';
import { LoginFailure } from './login-failure.entity';

const PURGE_EVERY_MS = 60 * 60 * 1000;

/**
 * Failed logins in PostgreSQL, so that lockout holds across instances. Counted per account
 * whichever spelling (username or email, any case) was typed, and per name for unknown names
 * (attemptKey). Queries run on the caller's transaction when there is one, so that no request
 * holds a connection while it waits for a second one.
 */
@Injectable()
export class LoginAttemptsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LoginAttemptsService.name);
  private purgeTimer?: NodeJS.Timeout;

  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private get failures() {
    return this.txHost.tx.getRepository(LoginFailure);
  }

  /** When the lock on this key (attemptKey), for this IP or for everyone, ends; undefined if none. */
  async lockedUntil(key: string, ip: string): Promise<Date | undefined> {
    const [fromIp, fromAnywhere] = await Promise.all([
      this.recent(key, PER_IP_LIMIT, ip),
      this.recent(key, GLOBAL_LIMIT),
    ]);
    const now = new Date();
    const locks = [
      lockedUntil(fromIp, PER_IP_LIMIT, now),
      lockedUntil(fromAnywhere, GLOBAL_LIMIT, now),
    ].filter((until): until is Date => until !== undefined);
    return locks.length ? new Date(Math.max(...locks.map((until) => until.getTime()))) : undefined;
  }

  async recordFailure(key: string, ip: string): Promise<void> {
    await this.failures.insert({ usernameKey: key, ip });
  }

  /** A successful login, or an operator's unlock, clears the account's count; returns how many. */
  async resetAccount(userId: string): Promise<number> {
    const result = await this.failures.delete({ usernameKey: accountAttemptKey(userId) });
    return result.affected ?? 0;
  }

  private async recent(key: string, limit: number, ip?: string): Promise<Date[]> {
    const rows: { occurred_at: Date }[] = await this.failures.query(
      `SELECT occurred_at FROM login_failures
        WHERE username_key = $1 AND ($2::varchar IS NULL OR ip = $2)
        ORDER BY occurred_at DESC LIMIT $3`,
      [key, ip ?? null, limit],
    );
    return rows.map((row) => row.occurred_at);
  }

  onModuleInit(): void {
    this.purgeTimer = setInterval(() => void this.purgeOld(), PURGE_EVERY_MS);
    this.purgeTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }

  private async purgeOld(): Promise<void> {
    try {
      await this.failures.query(
        `DELETE FROM login_failures WHERE occurred_at < now() - interval '1 day'`,
      );
    } catch (error) {
      this.logger.warn({ err: error }, 'Could not purge old login failures');
    }
  }
}
