import { randomBytes } from 'node:crypto';

/** Eight random hex digits, for names and codes that must be unique in a test database. */
export const tag = (): string => randomBytes(4).toString('hex');
