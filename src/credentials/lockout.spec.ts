import { attemptKey, GLOBAL_LIMIT, lockedUntil, PER_IP_LIMIT } from './lockout';

const now = new Date('2026-11-28T12:00:00Z');
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);

describe('lockedUntil', () => {
  it('is not locked below the limit', () => {
    expect(lockedUntil([1, 2, 3, 4].map(minutesAgo), PER_IP_LIMIT, now)).toBeUndefined();
  });

  it('locks for 15 minutes from the failure that reached the limit', () => {
    const failures = [1, 2, 3, 4, 5].map(minutesAgo);
    expect(lockedUntil(failures, PER_IP_LIMIT, now)).toEqual(
      new Date(minutesAgo(1).getTime() + 15 * 60_000),
    );
  });

  it('does not lock when the failures are spread over more than 15 minutes', () => {
    expect(lockedUntil([1, 2, 3, 4, 17].map(minutesAgo), PER_IP_LIMIT, now)).toBeUndefined();
  });

  it('counts exactly 15 minutes apart as within the window', () => {
    expect(lockedUntil([0, 5, 10, 12, 15].map(minutesAgo), PER_IP_LIMIT, now)).toBeDefined();
  });

  it('a lock ends 15 minutes after its last failure', () => {
    expect(lockedUntil([15, 16, 17, 18, 19].map(minutesAgo), PER_IP_LIMIT, now)).toBeUndefined();
    expect(lockedUntil([14, 16, 17, 18, 19].map(minutesAgo), PER_IP_LIMIT, now)).toBeDefined();
  });

  it('the global limit needs 20 failures', () => {
    const nineteen = Array.from({ length: 19 }, (_, i) => minutesAgo(i * 0.5));
    expect(lockedUntil(nineteen, GLOBAL_LIMIT, now)).toBeUndefined();
    expect(lockedUntil([...nineteen, minutesAgo(10)], GLOBAL_LIMIT, now)).toBeDefined();
  });
});

describe('attemptKey', () => {
  const id = '7c1f0a0e-3b7e-4f7c-9d2a-1b2c3d4e5f60';

  it('counts under the account when the typed name resolves, whatever was typed', () => {
    expect(attemptKey('Dara.Sok', id)).toBe(`user:${id}`);
    expect(attemptKey('DARA@example.test', id)).toBe(`user:${id}`);
  });

  it('counts an unknown name under itself, trimmed and lower-cased', () => {
    expect(attemptKey('  Ghost.Person ', undefined)).toBe('name:ghost.person');
    expect(attemptKey('GHOST.PERSON', undefined)).toBe(attemptKey('ghost.person', undefined));
  });

  it('an unknown name can never stand for an account', () => {
    expect(attemptKey(`user:${id}`, undefined)).toBe(`name:user:${id}`);
  });

  it('fits the 255-character column', () => {
    expect(attemptKey('x'.repeat(300), undefined)).toHaveLength(255);
  });
});
