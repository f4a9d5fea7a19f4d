import { randomBytes } from 'node:crypto';

/** Eight random hex digits, for names and codes that must be unique in a test database. */
export const tag = (): string => randomBytes(4).toString('hex');

/** A Redis key prefix of its own, so that suites sharing a Redis never share counters. */
export const redisKeyPrefix = (): string => `lc-test-${tag()}:`;
