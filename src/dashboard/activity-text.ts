/**
 * The words of the activity timeline (GET /dashboard/activity-timeline): a title and a sentence
 * for one audit event, in plain English, from its action, actor and statuses. Pure: no Nest,
 * no database. Statuses are written as their values (`approval_pending`), which the web app
 * also shows and matches.
 */

/** What the text of one event is made of (the audit event's own fields). */
export interface ActivityFacts {
  action: string;
  /** The actor's name as the event copied it; null for the system and anonymous callers. */
  actorName: string | null;
  fromStatus: string | null;
  toStatus: string | null;
  details: object;
}

export interface ActivityText {
  title: string;
  description: string;
}

/** title, and what the actor did (after their name). */
type Words = readonly [title: string, did: string];

const KNOWN: Readonly<Record<string, Words>> = {
  'application.created': ['Application created', 'created the application'],
  'application.updated': ['Application updated', 'updated the application'],
  'application.deleted': ['Application deleted', 'deleted the draft application'],
  'application.submit': ['Application submitted', 'submitted the application'],
  'application.assign_reviewer': ['Reviewer assigned', 'assigned a reviewer'],
  'application.complete_review': ['Review completed', 'completed the review'],
  'application.assess_risk': ['Risk assessed', 'assessed the risk'],
  'application.approve': ['Application approved', 'approved the application'],
  'application.reject': ['Application rejected', 'rejected the application'],
  'application.return': ['Application returned for changes', 'returned the application'],
  'application.withdraw': ['Application withdrawn', 'withdrew the application'],
  'application.disburse': ['Loan disbursed', 'disbursed the loan'],
  'application.complete': ['Loan completed', 'completed the loan'],
  'application.priority': ['Priority changed', 'changed the priority'],
  'application.reassigned': ['Application reassigned', 'gave the application to another officer'],
  'application.documents_downloaded': ['Documents downloaded', 'downloaded the documents'],
  'applications.exported': ['Applications exported', 'exported applications as CSV'],
  'auth.login': ['Signed in', 'signed in'],
  'auth.logout': ['Signed out', 'signed out'],
  'auth.login_failed': ['Sign-in failed', 'failed to sign in'],
  'auth.login_refused': ['Sign-in refused', 'was refused sign-in (inactive account)'],
  'auth.login_blocked': ['Sign-in blocked', 'was blocked from signing in'],
  'auth.account_locked': ['Account locked', 'was locked out after failed sign-ins'],
  'auth.refresh_token_reused': ['Session token reused', 'reused an old session token'],
  'user.created': ['User created', 'created a user'],
  'user.updated': ['User updated', 'updated a user'],
  'user.deleted': ['User deleted', 'deleted a user'],
  'user.deactivated': ['User deactivated', 'deactivated a user'],
  'user.role_changed': ['Role changed', "changed a user's role"],
  'user.password_set': ['Password set', "set a user's password"],
  'user.password_changed': ['Password changed', 'changed their password'],
  'user.unlocked': ['Account unlocked', "unlocked a user's account"],
  'user.sessions_revoked': ['Sessions revoked', "revoked a user's sessions"],
};

const SOMEONE = 'Someone';
/** The longest reason a sentence quotes; a longer one is cut with an ellipsis. */
export const MAX_QUOTED_REASON = 120;

/** The title and the sentence of one event. */
export function describeActivity(facts: ActivityFacts): ActivityText {
  const actor = facts.actorName?.trim() || SOMEONE;
  const [title, did] = KNOWN[facts.action] ?? guessedWords(facts.action);
  const details = facts.details as Record<string, unknown>;
  return { title, description: `${actor} ${detailOf(facts, did, details)}` };
}

/** What the actor did, with the change the event records where it says more than the verb. */
function detailOf(facts: ActivityFacts, did: string, details: Record<string, unknown>): string {
  const { fromStatus: from, toStatus: to } = facts;
  if (from && to && from !== to) {
    const reason = textOf(details.reason);
    return `moved the application from ${from} to ${to}${reason ? `: ${quoted(reason)}` : ''}`;
  }
  switch (facts.action) {
    case 'application.priority': {
      const [was, now] = [textOf(details.from), textOf(details.to)];
      return was && now ? `changed the priority from ${was} to ${now}` : did;
    }
    case 'application.updated': {
      const fields = Array.isArray(details.fields)
        ? details.fields.filter((field): field is string => typeof field === 'string')
        : [];
      return fields.length ? `updated ${fields.join(', ')}` : did;
    }
    case 'application.assign_reviewer':
      return from && from === to ? 'assigned another reviewer' : did;
    default:
      return did;
  }
}

/** Words for an action no table knows: `branch.status_changed` → "Branch status changed". */
export function guessedWords(action: string): Words {
  const words = action
    .split(/[._]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase());
  if (words.length === 0) return ['Activity', 'did something'];
  const title = words.join(' ');
  return [title.charAt(0).toUpperCase() + title.slice(1), `did: ${action}`];
}

function textOf(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

function quoted(reason: string): string {
  const short =
    reason.length > MAX_QUOTED_REASON ? `${reason.slice(0, MAX_QUOTED_REASON - 1)}…` : reason;
  return `"${short}"`;
}
