import { HttpStatus } from '@nestjs/common';
import { ProblemException } from '../common/http/problem';

export { ApiIfMatch } from '../common/http/openapi';

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
