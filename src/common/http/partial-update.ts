import { applyDecorators, type Type } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, type ApiOperationOptions } from '@nestjs/swagger';
import { RequirePermissions } from '../auth/decorators';
import type { Permission } from '../auth/permissions';
import { ApiIfMatch, ApiProblems } from './openapi';

/**
 * What the PUT and PATCH twins of a record's update share (SPEC §6: PUT is a partial update
 * too; the web app sends only the changed fields with either verb): the permission, the
 * If-Match header, the answer and its problems. Each twin keeps its own verb and operation,
 * and the PUT handler's body only calls the PATCH handler, so both run one body:
 *
 *   @Put(':id')
 *   @PartialUpdate({ permission: 'org:write', type: PositionDto, operation: { ... } })
 *   replace(@UuidParam('id') id: string, @Body() body: UpdatePositionDto) {
 *     return this.update(id, body);
 *   }
 */
export function PartialUpdate(options: {
  permission: Permission;
  /** The answer (200). */
  type: Type<unknown>;
  operation: ApiOperationOptions;
  /** The If-Match header's description, when the default does not fit. */
  ifMatch?: string;
}) {
  return applyDecorators(
    ApiProblems(404, 409, 412, 422),
    ApiOkResponse({ type: options.type }),
    ApiOperation(options.operation),
    ApiIfMatch(options.ifMatch),
    RequirePermissions(options.permission),
  );
}
