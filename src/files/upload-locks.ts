import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, QueryRunner } from 'typeorm';

/**
 * PostgreSQL advisory locks (two-int form, so they never meet the migrations' bigint lock) that
 * let one actor at a time work on an object key the server handed out: finalize, complete and
 * abort of a client's upload, and the clean-up job. Without them, a second finalize could
 * fail on the file row and delete the object the first one recorded, or the job could delete
 * an object while it is being finalized.
 */
const UPLOAD_KEY_LOCKS = 0x1c0f11e;
/** The storage jobs' locks, one per job (keyed by its name): one instance runs a job at a time. */
const STORAGE_JOBS_LOCK = 0x1c0f11f;

export const BUSY = Symbol('busy');

/** A session-level advisory lock held on its own connection while `work` runs. */
export class LockedSession {
  constructor(private readonly runner: QueryRunner) {}

  /** Runs `work` holding the lock of `key`; BUSY when someone else holds it. */
  async withKey<T>(key: string, work: () => Promise<T>): Promise<T | typeof BUSY> {
    const locked = await this.tryLock(UPLOAD_KEY_LOCKS, key);
    if (!locked) return BUSY;
    try {
      return await work();
    } finally {
      await this.unlock(UPLOAD_KEY_LOCKS, key);
    }
  }

  async tryLock(space: number, key: string): Promise<boolean> {
    const rows: { locked: boolean }[] = await this.runner.query(
      'SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked',
      [space, key],
    );
    return rows[0]?.locked === true;
  }

  async unlock(space: number, key: string): Promise<void> {
    await this.runner.query('SELECT pg_advisory_unlock($1, hashtext($2))', [space, key]);
  }
}

@Injectable()
export class UploadLocks {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` holding the lock of object `key`; BUSY (work not run) when it is held. */
  withKey<T>(key: string, work: () => Promise<T>): Promise<T | typeof BUSY> {
    return this.withSession((session) => session.withKey(key, work));
  }

  /**
   * Runs `work` holding the lock of storage job `job`, with the session for per-key locks; BUSY
   * (work not run) when another instance runs that job.
   */
  withJobLock<T>(
    job: string,
    work: (session: LockedSession) => Promise<T>,
  ): Promise<T | typeof BUSY> {
    return this.withSession(async (session) => {
      if (!(await session.tryLock(STORAGE_JOBS_LOCK, job))) return BUSY;
      try {
        return await work(session);
      } finally {
        await session.unlock(STORAGE_JOBS_LOCK, job);
      }
    });
  }

  private async withSession<T>(work: (session: LockedSession) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      return await work(new LockedSession(runner));
    } finally {
      await runner.release();
    }
  }
}
