import type { ApplicationStatus } from '../enums/code-enums';
import { type DocumentActor, mayActOnDocuments, mayActOnUnattached } from './document-rules';

const officer: DocumentActor = { id: 'o1', role: 'officer' };
const otherOfficer: DocumentActor = { id: 'o2', role: 'officer' };
const manager: DocumentActor = { id: 'm1', role: 'manager' };
const admin: DocumentActor = { id: 'a1', role: 'admin' };
const viewer: DocumentActor = { id: 'v1', role: 'viewer' };
const app = (status: ApplicationStatus) => ({ userId: 'o1', status });

const DECIDED: ApplicationStatus[] = [
  'approved',
  'disbursed',
  'completed',
  'rejected',
  'withdrawn',
];
const IN_REVIEW: ApplicationStatus[] = [
  'submitted',
  'initial_review',
  'credit_check',
  'approval_pending',
];

describe('mayActOnDocuments', () => {
  it('lets everyone who sees the application read, in every status', () => {
    for (const actor of [officer, otherOfficer, manager, admin, viewer]) {
      for (const status of [...DECIDED, ...IN_REVIEW, 'draft' as const]) {
        expect(mayActOnDocuments(actor, app(status), 'read')).toEqual({ ok: true });
      }
    }
  });

  it.each(['change', 'delete'] as const)(
    'lets the owning officer %s while draft only',
    (action) => {
      expect(mayActOnDocuments(officer, app('draft'), action)).toEqual({ ok: true });
      for (const status of IN_REVIEW) {
        expect(mayActOnDocuments(officer, app(status), action)).toMatchObject({
          ok: false,
          status: 409,
          currentStatus: status,
          detail: expect.stringContaining('locked for officers once it is submitted'),
        });
      }
    },
  );

  it.each(['change', 'delete'] as const)('refuses another officer (403) to %s', (action) => {
    expect(mayActOnDocuments(otherOfficer, app('draft'), action)).toMatchObject({
      ok: false,
      status: 403,
    });
  });

  it.each(['change', 'delete'] as const)(
    'lets managers and admins %s before a decision',
    (action) => {
      for (const actor of [manager, admin]) {
        for (const status of ['draft' as const, ...IN_REVIEW]) {
          expect(mayActOnDocuments(actor, app(status), action)).toEqual({ ok: true });
        }
      }
    },
  );

  it.each(['change', 'delete'] as const)('refuses everyone (409) to %s once decided', (action) => {
    for (const actor of [officer, manager, admin]) {
      for (const status of DECIDED) {
        expect(mayActOnDocuments(actor, app(status), action)).toEqual({
          ok: false,
          status: 409,
          currentStatus: status,
          detail: `The application is "${status}": its documents are evidence and no longer change.`,
        });
      }
    }
  });

  it('refuses viewers (403) whatever the status', () => {
    for (const status of ['draft' as const, ...IN_REVIEW, ...DECIDED]) {
      expect(mayActOnDocuments(viewer, app(status), 'change')).toEqual({
        ok: false,
        status: 403,
        detail: 'Viewers read documents only.',
        currentStatus: undefined,
      });
    }
  });
});

describe('mayActOnUnattached', () => {
  it('shows an upload without an application to its uploader and admins only', () => {
    expect(mayActOnUnattached(officer, 'o1')).toBe('allowed');
    expect(mayActOnUnattached(admin, 'o1')).toBe('allowed');
    expect(mayActOnUnattached(otherOfficer, 'o1')).toBe('hidden');
    expect(mayActOnUnattached(manager, 'o1')).toBe('hidden');
    expect(mayActOnUnattached(viewer, 'o1')).toBe('hidden');
    expect(mayActOnUnattached(officer, null)).toBe('hidden');
    expect(mayActOnUnattached(admin, null)).toBe('allowed');
  });
});
