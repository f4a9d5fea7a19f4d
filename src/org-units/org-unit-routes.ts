import { applyDecorators, type Type } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { RequirePermissions } from '../common/auth/decorators';
import { Idempotent } from '../common/http/idempotency/idempotent.decorator';
import { ApiIfMatch, ApiProblems } from '../common/http/openapi';
import { ApiPageResponse } from '../common/http/pagination';
import { PartialUpdate } from '../common/http/partial-update';
import { OrgMemberDto, OrgTotalsDto } from './dto/org-user.dto';
import { FIGURES_NOTE, MEMBERS_NOTE, USER_COUNT_NOTE } from './org-http';

/** How the routes of a kind of unit name it. */
export interface UnitWords {
  /** `departments`: the path, and the prefix of the operation ids. */
  plural: string;
  singular: string;
  /** Where its users are, for the delete refusal: "belong to it", "work there". */
  usersAre: string;
}

const UPDATE_NOTE =
  'Partial update (PUT and PATCH alike): only the fields present change; "" or null clears an ' +
  'optional field. Send If-Match to refuse the change (412) when the record changed since you read it.';

/** Decorators applied as if stacked in this order above a method (the last one first). */
const stacked = (...decorators: (MethodDecorator | ClassDecorator | PropertyDecorator)[]) =>
  applyDecorators(...decorators.reverse());

/**
 * What the routes of departments and branches share: permission, idempotency and OpenAPI text
 * behind one name each. The controllers keep the verbs and paths (static paths such as
 * `active` and `stats` before `:id`) and the handlers (typed parameters, one call each).
 */
export const UnitRoutes = {
  list: (words: UnitWords, dto: Type<unknown>) =>
    stacked(
      RequirePermissions('org:read'),
      ApiOperation({
        operationId: `${words.plural}_list`,
        summary: `List ${words.plural}`,
        description:
          'Default order: name ascending (ignoring case). `search` matches name and code. ' +
          '`include_counts=true` adds `user_count`, `active_user_count` and `application_count` to ' +
          `each item (one grouped query each for users and applications). ${FIGURES_NOTE}`,
      }),
      ApiPageResponse(dto),
      ApiProblems(422),
    ),

  create: (words: UnitWords, dto: Type<unknown>) =>
    stacked(
      Idempotent(),
      RequirePermissions('org:write'),
      ApiOperation({
        operationId: `${words.plural}_create`,
        summary: `Create a ${words.singular}`,
      }),
      ApiCreatedResponse({ type: dto }),
      ApiProblems(409, 422),
    ),

  listActive: (words: UnitWords, dto: Type<unknown>) =>
    stacked(
      RequirePermissions('org:read'),
      ApiOperation({
        operationId: `${words.plural}_list_active`,
        summary: `All active ${words.plural}, by name (a plain array, for pickers)`,
      }),
      ApiOkResponse({ type: [dto] }),
    ),

  totals: (words: UnitWords) =>
    stacked(
      RequirePermissions('org:read'),
      ApiOperation({
        operationId: `${words.plural}_stats`,
        summary: `How many ${words.plural} are active`,
      }),
      ApiOkResponse({ type: OrgTotalsDto }),
    ),

  get: (words: UnitWords, dto: Type<unknown>) =>
    stacked(
      RequirePermissions('org:read'),
      ApiOperation({
        operationId: `${words.plural}_get`,
        summary: `One ${words.singular}, with user counts`,
        description: `\`user_count\` and \`active_user_count\`: ${USER_COUNT_NOTE}`,
      }),
      ApiOkResponse({ type: dto }),
      ApiProblems(404, 422),
    ),

  /** PUT, the twin of `update`: its handler calls the PATCH one. */
  replace: (words: UnitWords, dto: Type<unknown>) =>
    PartialUpdate({
      permission: 'org:write',
      type: dto,
      operation: {
        operationId: `${words.plural}_update_put`,
        summary: `Update a ${words.singular} (partial, like PATCH)`,
        description: UPDATE_NOTE,
      },
    }),

  update: (words: UnitWords, dto: Type<unknown>) =>
    PartialUpdate({
      permission: 'org:write',
      type: dto,
      operation: {
        operationId: `${words.plural}_update`,
        summary: `Update a ${words.singular}`,
        description: UPDATE_NOTE,
      },
    }),

  remove: (words: UnitWords) =>
    stacked(
      RequirePermissions('org:write'),
      ApiIfMatch(),
      ApiOperation({
        operationId: `${words.plural}_delete`,
        summary: `Delete a ${words.singular}`,
        description: `Refused (409) while users ${words.usersAre}; move them first, or deactivate it.`,
      }),
      ApiNoContentResponse({ description: 'Deleted' }),
      ApiProblems(404, 409, 412, 422),
    ),

  toggleStatus: (words: UnitWords, dto: Type<unknown>) =>
    stacked(
      Idempotent(),
      RequirePermissions('org:write'),
      ApiIfMatch(),
      ApiOperation({
        operationId: `${words.plural}_toggle_status`,
        summary: `Activate an inactive ${words.singular}, or deactivate an active one`,
        description: 'Send an Idempotency-Key so that a retry does not flip it back.',
      }),
      ApiOkResponse({ type: dto }),
      ApiProblems(404, 409, 412, 422),
    ),

  stats: (words: UnitWords, dto: Type<unknown>) =>
    stacked(
      RequirePermissions('org:read'),
      ApiOperation({
        operationId: `${words.plural}_get_stats`,
        summary: `A ${words.singular}'s figures, as you may see them`,
        description: `Every role may read it; the figures count only what you may see. ${FIGURES_NOTE}`,
      }),
      ApiOkResponse({ type: dto }),
      ApiProblems(404, 422),
    ),

  users: (words: UnitWords) =>
    stacked(
      RequirePermissions('org:read', 'users:read'),
      ApiOperation({
        operationId: `${words.plural}_list_users`,
        summary: `Users of a ${words.singular} you may list, active or not, by name (a plain array)`,
        description: MEMBERS_NOTE,
      }),
      ApiOkResponse({ type: [OrgMemberDto] }),
      ApiProblems(404, 422),
    ),
};
