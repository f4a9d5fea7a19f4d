import { HttpStatus } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { ProblemException } from '../common/http/problem';

/** OpenAPI: the route honours If-Match (412 when stale). */
export const ApiIfMatch = () =>
  ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'The ETag (`"<version>"`) you read; when the record has changed since, 412.',
  });

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
