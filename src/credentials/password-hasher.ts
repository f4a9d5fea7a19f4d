import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import type { AppConfig } from '../config/app-config';

/**
 * bcrypt (bcryptjs) off the main thread: a small worker pool of `cores - 1` threads, so that
 * logins and password changes never block other requests.
 */
@Injectable()
export class PasswordHasher implements OnApplicationShutdown {
  private readonly pool: Piscina;
  private readonly rounds: number;
  private dummyHash?: Promise<string>;

  constructor(config: ConfigService<AppConfig, true>) {
    this.rounds = config.get('auth', { infer: true }).bcryptRounds;
    this.pool = new Piscina({
      filename: join(__dirname, 'password.worker.js'),
      minThreads: 1,
      maxThreads: Math.max(1, availableParallelism() - 1),
      idleTimeout: 60_000,
    });
  }

  hash(password: string): Promise<string> {
    return this.pool.run({ op: 'hash', password, rounds: this.rounds });
  }

  verify(password: string, hash: string): Promise<boolean> {
    return this.pool.run({ op: 'verify', password, hash });
  }

  /**
   * Spends the same time as a real check when there is no user to check against, so that an
   * unknown username cannot be told from a wrong password by the answer's timing.
   */
  async verifyAgainstNothing(password: string): Promise<false> {
    this.dummyHash ??= this.hash('not-a-real-password');
    await this.verify(password, await this.dummyHash);
    return false;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.destroy();
  }
}
