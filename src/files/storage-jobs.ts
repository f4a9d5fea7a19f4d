import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
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
/** How often the clean-up runs, and how often pending hashes are filled. */
export const SWEEP_EVERY_MS = 5 * 60 * 1000;
export const HASH_EVERY_MS = 60 * 1000;
/** Items one run handles at most per kind (the next run takes the rest). */
const BATCH = 100;
const HASH_BATCH = 20;

interface DueIntent {
  id: string;
  object_key: string;
  kind: 'direct' | 'presigned' | 'multipart';
  s3_upload_id: string | null;
}

export interface SweepResult {
  direct: number;
  presigned: number;
  multipart: number;
}

/**
 * The periodic storage work (issue 11 items 4, 5, 10), each run under an advisory lock so that one
 * instance at a time does it:
 * (a) direct intents older than the body timeout lose their object and row;
 * (b) presigned keys never finalized: deleted an hour after their expiry;
 * (c) expired chunked uploads: aborted (a refusing store is logged) and their row removed;
 * (d) files whose sha256 is null (chunked uploads): hashed by streaming the object.
 * (a)–(c) also run once at start-up. Objects are deleted before their row: a failure leaves the
 * row, and the next run tries again. Tests call `sweep()` and `hashPending()` directly.
 */
@Injectable()
export class StorageJobs implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(StorageJobs.name);
  private timers: NodeJS.Timeout[] = [];
  private running = new Set<Promise<unknown>>();
  /** Runs of this instance, one after the other (the advisory lock keeps other instances out). */
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
  ) {}

  onApplicationBootstrap(): void {
    this.launch(() => this.sweep());
    this.timers = [
      setInterval(() => this.launch(() => this.sweep()), SWEEP_EVERY_MS),
      setInterval(() => this.launch(() => this.hashPending()), HASH_EVERY_MS),
    ];
    for (const timer of this.timers) timer.unref();
  }

  /** Waits for a run in progress: the pool and the S3 client close after this. */
  async beforeApplicationShutdown(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await Promise.allSettled([...this.running]);
  }

  /** (a)–(c); undefined when another instance holds the lock. */
  async sweep(now = new Date()): Promise<SweepResult | undefined> {
    const result = await this.inTurn(() =>
      this.locks.withJobsLock(async (session) => {
        const due = await this.dueIntents(now);
        const done: SweepResult = { direct: 0, presigned: 0, multipart: 0 };
        for (const intent of due) {
          if (await this.release(session, intent)) done[intent.kind] += 1;
        }
        return done;
      }),
    );
    return result === BUSY ? undefined : result;
  }

  /** (d): how many files got their hash; undefined when another instance holds the lock. */
  async hashPending(): Promise<number | undefined> {
    const result = await this.inTurn(() =>
      this.locks.withJobsLock(async () => {
        const pending: { id: string; file_path: string; file_size: string }[] =
          await this.dataSource.query(
            `SELECT id, file_path, file_size FROM files
            WHERE sha256 IS NULL AND NOT (id = ANY($2::uuid[]))
            ORDER BY created_at LIMIT $1`,
            [HASH_BATCH, [...this.missingObjects]],
          );
        let hashed = 0;
        for (const file of pending) {
          try {
            const found = await hashObject(this.storage, file.file_path);
            if (!found) {
              this.missingObjects.add(file.id);
              this.logger.warn(
                { fileId: file.id, key: file.file_path },
                'A file has no object to hash (reported once; see npm run storage:check)',
              );
              continue;
            }
            await this.dataSource.query(
              `UPDATE files SET sha256 = $2 WHERE id = $1 AND sha256 IS NULL`,
              [file.id, found.sha256],
            );
            hashed += 1;
          } catch (error) {
            this.logger.warn({ err: error, fileId: file.id }, 'Could not hash a stored file');
          }
        }
        return hashed;
      }),
    );
    return result === BUSY ? undefined : result;
  }

  private dueIntents(now: Date): Promise<DueIntent[]> {
    return this.dataSource.query(
      `(SELECT id, object_key, kind, s3_upload_id FROM upload_intents
         WHERE kind = 'direct' AND started_at < $1 ORDER BY started_at LIMIT $4)
       UNION ALL
       (SELECT id, object_key, kind, s3_upload_id FROM upload_intents
         WHERE kind = 'presigned' AND expires_at < $2 ORDER BY expires_at LIMIT $4)
       UNION ALL
       (SELECT id, object_key, kind, s3_upload_id FROM upload_intents
         WHERE kind = 'multipart' AND expires_at < $3 ORDER BY expires_at LIMIT $4)`,
      [
        new Date(now.getTime() - DIRECT_UPLOAD_BODY_TIMEOUT_MS),
        new Date(now.getTime() - PRESIGNED_GRACE_MS),
        now,
        BATCH,
      ],
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

  private launch(job: () => Promise<unknown>): void {
    const run = job()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'A storage job failed'))
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }
}
