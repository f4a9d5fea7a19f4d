import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { JobMetrics, type JobOutcome } from '../common/jobs/job-metrics';
import type { AppConfig, JobsConfig } from '../config/app-config';
import { StorageService } from '../storage/storage.service';
import { hashObject } from './object-checks';
import { objectKeysOf } from './object-keys';
import { BUSY, type LockedSession, UploadLocks } from './upload-locks';

/**
 * How long a direct upload's body may take (issue 11 item 10): an intent of kind `direct` older
 * than this names an upload that died with its request (a crash, a lost connection); its object
 * is deleted.
 */
export const DIRECT_UPLOAD_BODY_TIMEOUT_MS = 60 * 60 * 1000;
/** A presigned key never finalized is deleted this long after its URL expired. */
export const PRESIGNED_GRACE_MS = 60 * 60 * 1000;
/** Items one run handles at most per kind (the next run takes the rest). */
export const BATCH = 100;
export const HASH_BATCH = 20;

/** The periodic jobs, by the names their metrics and log lines carry. */
export const STORAGE_JOBS = ['multipart_expiry', 'upload_intents', 'checksum_fill'] as const;
export type StorageJob = (typeof STORAGE_JOBS)[number];

type IntentKind = 'direct' | 'presigned' | 'multipart';

interface DueIntent {
  id: string;
  object_key: string;
  kind: IntentKind;
  s3_upload_id: string | null;
}

export interface SweepResult {
  direct: number;
  presigned: number;
  multipart: number;
}

/**
 * The periodic storage work (issue 11 items 4, 5, 10; issue 14), three jobs, each under an
 * advisory lock of its own so that one instance at a time runs it:
 * - `upload_intents`: direct intents older than the body timeout lose their object and row, and
 *   presigned keys never finalized are deleted an hour after their expiry;
 * - `multipart_expiry`: expired chunked uploads are aborted (a refusing store is logged), their
 *   object deleted and their row removed;
 * - `checksum_fill`: files whose sha256 is null (chunked uploads) are hashed by streaming the
 *   object.
 * The first two also run once at start-up (`sweep()`). Objects are deleted before their row: a
 * failure leaves the row, and the next run tries again. Every run counts in
 * `lc_job_runs_total{job_name,outcome}` and logs one line (`info` when it did something, else
 * `debug`) with the times it held the lock. Tests call `sweep()` and `hashPending()` directly.
 */
@Injectable()
export class StorageJobs implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(StorageJobs.name);
  private readonly intervals: JobsConfig;
  private readonly timers = new Map<StorageJob, NodeJS.Timeout>();
  private stopping = false;
  private running = new Set<Promise<unknown>>();
  /** Runs of this instance, one after the other (the advisory locks keep other instances out). */
  private queue: Promise<unknown> = Promise.resolve();
  /**
   * Files found without an object by this instance: warned about once and skipped afterwards,
   * so that they neither repeat the warning every run nor hold back the files behind them
   * (`storage:check` reports them as rows without an object).
   */
  private readonly missingObjects = new Set<string>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly storage: StorageService,
    private readonly locks: UploadLocks,
    private readonly metrics: JobMetrics,
    config: ConfigService<AppConfig, true>,
  ) {
    this.intervals = config.get('jobs', { infer: true });
    metrics.declare(STORAGE_JOBS);
  }

  onApplicationBootstrap(): void {
    void this.launch(() => this.sweep());
    const { storageSweepIntervalMs, checksumFillIntervalMs } = this.intervals;
    this.every('upload_intents', storageSweepIntervalMs, () => this.releaseIntents());
    this.every('multipart_expiry', storageSweepIntervalMs, () => this.expireMultipart());
    this.every('checksum_fill', checksumFillIntervalMs, () => this.hashPending());
  }

  /** Waits for a run in progress: the pool and the S3 client close after this. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }

  /** `upload_intents` then `multipart_expiry`; undefined when another instance runs either. */
  async sweep(now = new Date()): Promise<SweepResult | undefined> {
    const intents = await this.releaseIntents(now);
    const multipart = await this.expireMultipart(now);
    return intents && multipart !== undefined ? { ...intents, multipart } : undefined;
  }

  /** `upload_intents`: how many of each kind were removed; undefined when another instance runs it. */
  releaseIntents(now = new Date()): Promise<Omit<SweepResult, 'multipart'> | undefined> {
    return this.run(
      'upload_intents',
      async (session) => {
        const done = { direct: 0, presigned: 0 };
        for (const kind of ['direct', 'presigned'] as const) {
          for (const intent of await this.dueIntents(kind, now)) {
            if (await this.release(session, intent)) done[kind] += 1;
          }
        }
        return done;
      },
      (done) => done.direct + done.presigned,
    );
  }

  /** `multipart_expiry`: how many were removed; undefined when another instance runs it. */
  expireMultipart(now = new Date()): Promise<number | undefined> {
    return this.run(
      'multipart_expiry',
      async (session) => {
        let done = 0;
        for (const intent of await this.dueIntents('multipart', now)) {
          if (await this.release(session, intent)) done += 1;
        }
        return done;
      },
      (done) => done,
    );
  }

  /** `checksum_fill`: how many files got their hash; undefined when another instance runs it. */
  hashPending(): Promise<number | undefined> {
    return this.run(
      'checksum_fill',
      async () => {
        const pending: { id: string; file_path: string }[] = await this.dataSource.query(
          `SELECT id, file_path FROM files
            WHERE sha256 IS NULL AND NOT (id = ANY($2::uuid[]))
            ORDER BY created_at LIMIT $1`,
          [HASH_BATCH, [...this.missingObjects]],
        );
        let hashed = 0;
        for (const file of pending) {
          if (await this.hashOne(file)) hashed += 1;
        }
        return hashed;
      },
      (hashed) => hashed,
    );
  }

  private async hashOne(file: { id: string; file_path: string }): Promise<boolean> {
    try {
      const found = await hashObject(this.storage, file.file_path);
      if (!found) {
        this.missingObjects.add(file.id);
        this.logger.warn(
          { fileId: file.id, key: file.file_path },
          'A file has no object to hash (reported once; see npm run storage:check)',
        );
        return false;
      }
      // TypeORM answers an UPDATE with [rows, affected].
      const [, filled] = (await this.dataSource.query(
        `UPDATE files SET sha256 = $2 WHERE id = $1 AND sha256 IS NULL`,
        [file.id, found.sha256],
      )) as [unknown, number];
      // Only this job fills a null hash, one instance at a time: a lost race means the lock failed.
      if (filled === 0) {
        this.logger.warn({ fileId: file.id }, 'A file was hashed twice: another run filled it');
      }
      return filled > 0;
    } catch (error) {
      this.logger.warn({ err: error, fileId: file.id }, 'Could not hash a stored file');
      return false;
    }
  }

  /**
   * Runs `job` after this instance's previous runs, if no other instance holds its lock: counts
   * the outcome and logs one line with the items done and the times the lock was held.
   */
  private run<T>(
    job: StorageJob,
    work: (session: LockedSession) => Promise<T>,
    itemsOf: (result: T) => number,
  ): Promise<T | undefined> {
    return this.inTurn(async () => {
      let outcome: JobOutcome = 'failure';
      try {
        const held = await this.locks.withJobLock(job, async (session) => {
          const startedAt = Date.now();
          const result = await work(session);
          return { result, startedAt, finishedAt: Date.now() };
        });
        if (held === BUSY) {
          outcome = 'skipped';
          this.logger.debug({ job, outcome }, 'Periodic job left to another instance');
          return undefined;
        }
        outcome = 'success';
        const items = itemsOf(held.result);
        const line = {
          job,
          outcome,
          items,
          startedAt: held.startedAt,
          finishedAt: held.finishedAt,
        };
        if (items > 0) this.logger.log(line, 'Periodic job ran');
        else this.logger.debug(line, 'Periodic job ran');
        return held.result;
      } catch (error) {
        this.logger.warn({ err: error, job, outcome }, 'Periodic job failed');
        throw error;
      } finally {
        this.metrics.record(job, outcome);
      }
    });
  }

  /** Intents of `kind` that are due at `now`, oldest first. */
  private dueIntents(kind: IntentKind, now: Date): Promise<DueIntent[]> {
    const dueBefore: Record<IntentKind, { column: string; before: Date }> = {
      direct: {
        column: 'started_at',
        before: new Date(now.getTime() - DIRECT_UPLOAD_BODY_TIMEOUT_MS),
      },
      presigned: { column: 'expires_at', before: new Date(now.getTime() - PRESIGNED_GRACE_MS) },
      multipart: { column: 'expires_at', before: now },
    };
    const { column, before } = dueBefore[kind];
    return this.dataSource.query(
      `SELECT id, object_key, kind, s3_upload_id FROM upload_intents
        WHERE kind = $1 AND ${column} < $2 ORDER BY ${column} LIMIT $3`,
      [kind, before, BATCH],
    );
  }

  /** Deletes what an abandoned intent names, then the intent; false when skipped or failed. */
  private async release(session: LockedSession, intent: DueIntent): Promise<boolean> {
    try {
      const result = await session.withKey(intent.object_key, async () => {
        // A finalize or complete may have recorded it just before the lock was ours.
        const still: unknown[] = await this.dataSource.query(
          `SELECT 1 FROM upload_intents WHERE id = $1`,
          [intent.id],
        );
        if (!still.length) return false;
        if (intent.kind === 'multipart' && intent.s3_upload_id) {
          await this.storage.abortMultipart(intent.object_key, intent.s3_upload_id);
        }
        await this.storage.deleteMany(objectKeysOf(intent.object_key));
        await this.dataSource.query(`DELETE FROM upload_intents WHERE id = $1`, [intent.id]);
        this.logger.log(
          { key: intent.object_key, kind: intent.kind },
          'Removed an abandoned upload and its object',
        );
        return true;
      });
      return result === true;
    } catch (error) {
      this.logger.warn(
        { err: error, key: intent.object_key },
        'Could not remove an abandoned upload; the next run tries again',
      );
      return false;
    }
  }

  private inTurn<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private launch(job: () => Promise<unknown>): Promise<void> {
    const run = job()
      .then(() => undefined)
      .catch(() => undefined) // logged by run()
      .finally(() => this.running.delete(run));
    this.running.add(run);
    return run;
  }

  /** Runs `job` every `ms`, counted from the end of its previous run (runs never pile up). */
  private every(name: StorageJob, ms: number, job: () => Promise<unknown>): void {
    const next = () => {
      if (this.stopping) return;
      const timer = setTimeout(() => void this.launch(job).then(next), ms);
      timer.unref();
      this.timers.set(name, timer);
    };
    next();
  }
}
