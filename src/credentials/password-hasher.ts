import { HttpStatus, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { ProblemException } from '../common/http/problem';
import type { AppConfig } from '../config/app-config';
import { HashQueue } from './hash-queue';

/**
 * bcrypt (bcryptjs) off the main thread: a worker pool of PASSWORD_HASH_THREADS threads
 * (default cores - 1), so that logins and password changes never block other requests. Tasks
 * run first come, first served (`stricterFIFO`); at most PASSWORD_HASH_QUEUE_MAX wait, and a
 * task beyond is refused at once with 503 server-busy (`Retry-After: 1`): under a burst the
 * server answers some logins quickly rather than all of them late.
 */
@Injectable()
export class PasswordHasher implements OnApplicationShutdown {
  private readonly pool: Piscina;
  private readonly queue: HashQueue;
  private readonly rounds: number;
  private dummyHash?: Promise<string>;

  constructor(config: ConfigService<AppConfig, true>) {
    const auth = config.get('auth', { infer: true });
    this.rounds = auth.bcryptRounds;
    this.queue = new HashQueue(auth.passwordHashThreads, auth.passwordHashQueueMax);
    this.pool = new Piscina({
      filename: join(__dirname, 'password.worker.js'),
      minThreads: 1,
      maxThreads: auth.passwordHashThreads,
      idleTimeout: 60_000,
      // Piscina's default lets a task that found no idle thread fall behind later ones.
      stricterFIFO: true,
    });
  }

  /** Tasks running and waiting now, and the bounds (for the metrics). */
  load(): { running: number; waiting: number; threads: number; queueMax: number } {
    const { running, waiting, threads, queueMax } = this.queue;
    return { running, waiting, threads, queueMax };
  }

  hash(password: string): Promise<string> {
    return this.run<string>({ op: 'hash', password, rounds: this.rounds });
  }

  verify(password: string, hash: string): Promise<boolean> {
    return this.run<boolean>({ op: 'verify', password, hash });
  }

  /**
   * Spends the same time as a real check when there is no user to check against, so that an
   * unknown username cannot be told from a wrong password by the answer's timing.
   */
  async verifyAgainstNothing(password: string): Promise<false> {
    this.dummyHash ??= this.hash('not-a-real-password').catch((error: unknown) => {
      this.dummyHash = undefined; // refused while busy: make it on a later call
      throw error;
    });
    await this.verify(password, await this.dummyHash);
    return false;
  }

  private async run<T>(task: object): Promise<T> {
    if (!this.queue.tryEnter()) {
      throw new ProblemException(
        HttpStatus.SERVICE_UNAVAILABLE,
        'The server is busy checking other passwords. Please try again in a moment.',
        { type: 'server-busy', headers: { 'Retry-After': '1' } },
      );
    }
    try {
      return (await this.pool.run(task)) as T;
    } finally {
      this.queue.leave();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.destroy();
  }
}
