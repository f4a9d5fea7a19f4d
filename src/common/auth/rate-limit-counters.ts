import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';

interface Counter {
  hits: number;
  /** End of the current window (ms since the epoch). */
  windowEnds: number;
  /** End of the block once the limit was passed; 0 when not blocked. */
  blockedUntil: number;
}

/**
 * In-memory rate-limit counters with the same fixed-window rules as the Redis storage's
 * script (@nest-lab/throttler-storage-redis): count in a window of `ttl` ms; past `limit`, block
 * for `blockDuration` ms. O(1) per request: @nestjs/throttler's own memory storage keeps one
 * timestamp per hit and filters them on every request, which costs O(hits in the window).
 */
export class RateLimitCounters {
  private readonly counters = new Map<string, Counter>();

  increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
    now = Date.now(),
  ): ThrottlerStorageRecord {
    const id = `${key}:${throttlerName}`;
    let counter = this.counters.get(id);
    if (!counter || counter.windowEnds <= now) {
      counter = { hits: 0, windowEnds: now + ttl, blockedUntil: counter?.blockedUntil ?? 0 };
      this.counters.set(id, counter);
    }
    counter.hits += 1;
    let isBlocked = counter.blockedUntil > now;
    if (!isBlocked && counter.hits > limit && blockDuration > 0) {
      counter.blockedUntil = now + blockDuration;
      isBlocked = true;
    }
    return {
      totalHits: counter.hits,
      timeToExpire: Math.ceil((counter.windowEnds - now) / 1000),
      isBlocked,
      timeToBlockExpire: isBlocked ? Math.ceil((counter.blockedUntil - now) / 1000) : 0,
    };
  }

  /** Forgets counters whose window and block are over. */
  sweep(now = Date.now()): void {
    for (const [id, counter] of this.counters) {
      if (counter.windowEnds <= now && counter.blockedUntil <= now) this.counters.delete(id);
    }
  }

  get size(): number {
    return this.counters.size;
  }
}
