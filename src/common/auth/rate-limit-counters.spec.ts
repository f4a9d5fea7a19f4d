import { RateLimitCounters } from './rate-limit-counters';

describe('RateLimitCounters', () => {
  const T0 = 1_000_000;

  it('counts hits in a window and blocks past the limit for blockDuration', () => {
    const counters = new RateLimitCounters();
    for (let i = 1; i <= 3; i++) {
      expect(counters.increment('k', 60_000, 3, 60_000, 'default', T0 + i)).toMatchObject({
        totalHits: i,
        isBlocked: false,
        timeToBlockExpire: 0,
      });
    }
    expect(counters.increment('k', 60_000, 3, 60_000, 'default', T0 + 10)).toEqual({
      totalHits: 4,
      timeToExpire: 60,
      isBlocked: true,
      timeToBlockExpire: 60,
    });
    // Still blocked in the next window, until the block is over.
    const later = counters.increment('k', 60_000, 3, 60_000, 'default', T0 + 60_005);
    expect(later).toMatchObject({ totalHits: 1, isBlocked: true, timeToBlockExpire: 1 });
    expect(counters.increment('k', 60_000, 3, 60_000, 'default', T0 + 60_011)).toMatchObject({
      totalHits: 2,
      isBlocked: false,
    });
  });

  it('keeps keys and throttler names apart', () => {
    const counters = new RateLimitCounters();
    counters.increment('a', 1000, 1, 1000, 'default', T0);
    expect(counters.increment('b', 1000, 1, 1000, 'default', T0).totalHits).toBe(1);
    expect(counters.increment('a', 1000, 1, 1000, 'login', T0).totalHits).toBe(1);
    expect(counters.increment('a', 1000, 1, 1000, 'default', T0).isBlocked).toBe(true);
  });

  it('starts a new window once the last one is over', () => {
    const counters = new RateLimitCounters();
    counters.increment('k', 1000, 5, 1000, 'default', T0);
    counters.increment('k', 1000, 5, 1000, 'default', T0 + 500);
    expect(counters.increment('k', 1000, 5, 1000, 'default', T0 + 1000)).toMatchObject({
      totalHits: 1,
      timeToExpire: 1,
    });
  });

  it('sweeps counters whose window and block are over', () => {
    const counters = new RateLimitCounters();
    counters.increment('done', 1000, 5, 1000, 'default', T0);
    counters.increment('blocked', 1000, 0, 5000, 'default', T0);
    counters.increment('live', 1000, 5, 1000, 'default', T0 + 1500);
    counters.sweep(T0 + 2000);
    expect(counters.size).toBe(2);
    counters.sweep(T0 + 6000);
    expect(counters.size).toBe(0);
  });
});
