import { HttpStatus } from '@nestjs/common';
import { ProblemException } from '../common/http/problem';

/**
 * 409 for deleting a unit that users still reference, saying how many and what to do:
 * `stillReferenced(3, 'belongs to this department', 'belong to this department')` reads
 * "3 users still belong to this department; move them first."
 */
export function stillReferenced(count: number, singular: string, plural: string) {
  const detail = count === 1 ? `1 user still ${singular}` : `${count} users still ${plural}`;
  return new ProblemException(HttpStatus.CONFLICT, `${detail}; move them first.`, {
    type: 'still-referenced',
    extensions: { user_count: count },
  });
}

/**
 * What the figures of a department or branch count, per role, for the OpenAPI descriptions of
 * every route that shows them. The rules are `recordScopeOf` and `listableUsersOf`.
 */
export const APPLICATION_COUNT_NOTE =
  'Applications made in the unit (any status) that you may read: admin all; manager those of ' +
  'your branch or department, plus those you created or review; officer those you created or ' +
  'review; viewer those of your branch, plus any you created or review.';

export const USER_COUNT_NOTE =
  'Users of the unit that you may list through GET /users: admin all; manager those of your ' +
  'branch, and yourself; 0 for officers and viewers (no `users:read`).';

export const FIGURES_NOTE =
  `\`application_count\`: ${APPLICATION_COUNT_NOTE} ` +
  `\`user_count\` and \`active_user_count\`: ${USER_COUNT_NOTE}`;

export const MEMBERS_NOTE =
  'Needs `users:read` (admin, manager). Lists only the users you may list through GET /users: ' +
  'admin all; manager those of your branch, and yourself.';
