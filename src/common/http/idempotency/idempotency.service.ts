import { Injectable, OnModuleDestroy, OnModuleInit, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Repository } from 'typeorm';
import { IdempotencyKey } from './idempotency-key.entity';

export type Reservation =
  | { kind: 'reserved'; id: string }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'mismatch' }
  | { kind: 'in-progress' };

const LIFETIME = '24 hours';
// A reservation still "processing" after this long belongs to a request that died.
const ABANDONED_AFTER = '2 minutes';
const PURGE_EVERY_MS = 60 * 60 * 1000;

@Injectable()
export class IdempotencyService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(IdempotencyService.name);
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    @InjectRepository(IdempotencyKey) private readonly keys: Repository<IdempotencyKey>,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  ) {}

  /**
   * Reserves the key for this request (committed at once, outside the handler's
   * transaction, so a concurrent duplicate sees it), or says what is already there.
   */
  async reserve(userId: string, key: string, requestHash: string): Promise<Reservation> {
    const inserted: { id: string }[] = await this.keys.query(
      `INSERT INTO idempotency_keys (user_id, key, request_hash, state, expires_at)
       VALUES ($1, $2, $3, 'processing', now() + interval '${LIFETIME}')
       ON CONFLICT (user_id, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, state = 'processing', response_status = NULL,
             response_body = NULL, expires_at = EXCLUDED.expires_at, created_at = now(),
             updated_at = now()
         WHERE idempotency_keys.expires_at < now()
            OR (idempotency_keys.state = 'processing'
                AND idempotency_keys.updated_at < now() - interval '${ABANDONED_AFTER}')
       RETURNING id`,
      [userId, key, requestHash],
    );
    if (inserted.length) return { kind: 'reserved', id: inserted[0].id };
    const existing = await this.keys.findOneBy({ userId, key });
    if (!existing) return this.reserve(userId, key, requestHash); // purged in between
    if (existing.requestHash !== requestHash) return { kind: 'mismatch' };
    if (existing.state === 'processing') return { kind: 'in-progress' };
    return { kind: 'replay', status: existing.responseStatus!, body: existing.responseBody };
  }

  /** Stores the answer; called inside the handler's transaction when it succeeded. */
  async complete(id: string, status: number, body: object | null): Promise<void> {
    await this.txHost.tx
      .getRepository(IdempotencyKey)
      .update(id, { state: 'completed', responseStatus: status, responseBody: body });
  }

  /** Frees the key after a 5xx, which is never stored: the client may simply retry. */
  async release(id: string): Promise<void> {
    await this.keys.delete({ id, state: 'processing' });
  }

  onModuleInit(): void {
    this.purgeTimer = setInterval(() => void this.purgeExpired(), PURGE_EVERY_MS);
    this.purgeTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }

  async purgeExpired(): Promise<number> {
    try {
      const result = await this.keys.query(`DELETE FROM idempotency_keys WHERE expires_at < now()`);
      return (result as [unknown, number])[1] ?? 0;
    } catch (error) {
      this.logger.warn({ err: error }, 'Could not purge expired idempotency keys');
      return 0;
    }
  }
}
