/**
 * Who may do what with the documents (files and folders) of an application (issue 11, SPEC §4
 * and §6 "Documents of an application are locked for officers once it is submitted"). Pure:
 * the caller's scope is checked first (a document of an application out of scope is 404),
 * then these rules.
 *
 * - read: whoever may see the application;
 * - change (upload, rename, retype, move; folders too) and delete: the owning officer while the
 *   application is a draft; a manager or admin in scope in any status before a decision (draft,
 *   submitted and the review stages); nobody once it is approved, disbursed, completed,
 *   rejected or withdrawn (409: decided files are evidence). Viewers read only.
 *
 * A document without an application is its uploader's: only they and admins see it (others get
 * 404) and change or delete it.
 */
import type { Role } from '../common/auth/permissions';
import type { ApplicationStatus } from '../enums/code-enums';

export type DocumentAction = 'read' | 'change' | 'delete';

export interface DocumentActor {
  id: string;
  role: Role;
}

/** The statuses before a decision: documents may still change. */
export const UNDECIDED_STATUSES: readonly ApplicationStatus[] = [
  'draft',
  'submitted',
  'initial_review',
  'credit_check',
  'approval_pending',
];

export type DocumentCheck =
  | { ok: true }
  | { ok: false; status: 403 | 409; detail: string; currentStatus?: ApplicationStatus };

const ALLOWED: DocumentCheck = { ok: true };

function refused(status: 403 | 409, detail: string, currentStatus?: ApplicationStatus) {
  return { ok: false, status, detail, currentStatus } as const;
}

/** Whether `actor` (who may see the application) may act on its documents. */
export function mayActOnDocuments(
  actor: DocumentActor,
  application: { userId: string; status: ApplicationStatus },
  action: DocumentAction,
): DocumentCheck {
  if (action === 'read') return ALLOWED;
  const verb = action === 'delete' ? 'delete' : 'change';
  if (actor.role === 'viewer') return refused(403, 'Viewers read documents only.');
  if (!UNDECIDED_STATUSES.includes(application.status)) {
    return refused(
      409,
      `The application is "${application.status}": its documents are evidence and no longer change.`,
      application.status,
    );
  }
  if (actor.role === 'admin' || actor.role === 'manager') return ALLOWED;
  if (application.userId !== actor.id) {
    return refused(
      403,
      `Only the application's officer, a manager or an admin may ${verb} its documents.`,
    );
  }
  if (application.status !== 'draft') {
    return refused(
      409,
      `The application is "${application.status}": its documents are locked for officers once it is submitted. Ask a manager, or have it returned.`,
      application.status,
    );
  }
  return ALLOWED;
}

/**
 * A document without an application: visible (`read`) and changeable only by its uploader and
 * admins; `hidden` means the caller must not learn it exists (404).
 */
export function mayActOnUnattached(
  actor: DocumentActor,
  uploadedBy: string | null,
): 'allowed' | 'hidden' {
  return actor.role === 'admin' || (uploadedBy !== null && uploadedBy === actor.id)
    ? 'allowed'
    : 'hidden';
}
