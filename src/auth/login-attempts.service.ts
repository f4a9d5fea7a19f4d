import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { GLOBAL_LIMIT, lockedUntil, PER_IP_LIMIT } from './lockout';
import { LoginFailure } from './login-failure.entity';

const PURGE_EVERY_MS = 60 * 60 * 1000;

/** Failed logins in PostgreSQL, so that lockout holds across instances. */
@Injectable()
export class LoginAttemptsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LoginAttemptsService.name);
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    @InjectRepository(LoginFailure) private readonly failures: Repository<LoginFailure>,
  ) {}

  static keyOf(username: string): string {
    return username.trim().toLowerCase().slice(0, 255);
  }

  /** When the lock on this username (for this IP, or for everyone) ends; undefined if none. */
  async lockedUntil(usernameKey: string, ip: string): Promise<Date | undefined> {
    const [fromIp, fromAnywhere] = await Promise.all([
      this.recent(usernameKey, PER_IP_LIMIT, ip),
      this.recent(usernameKey, GLOBAL_LIMIT),
    ]);
    const now = new Date();
    const locks = [
      lockedUntil(fromIp, PER_IP_LIMIT, now),
      lockedUntil(fromAnywhere, GLOBAL_LIMIT, now),
    ].filter((until): until is Date => until !== undefined);
    return locks.length ? new Date(Math.max(...locks.map((until) => until.getTime()))) : undefined;
  }

  async recordFailure(usernameKey: string, ip: string): Promise<void> {
    await this.failures.insert({ usernameKey, ip });
  }

  /** A successful login, or an operator's unlock, clears the count. */
  async reset(usernameKeys: string[]): Promise<void> {
    await this.failures
      .createQueryBuilder()
      .delete()
      .where('username_key IN (:...keys)', { keys: usernameKeys })
      .execute();
  }

  private async recent(usernameKey: string, limit: number, ip?: string): Promise<Date[]> {
    const rows: { occurred_at: Date }[] = await this.failures.query(
      `SELECT occurred_at FROM login_failures
        WHERE username_key = $1 AND ($2::varchar IS NULL OR ip = $2)
        ORDER BY occurred_at DESC LIMIT $3`,
      [usernameKey, ip ?? null, limit],
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
