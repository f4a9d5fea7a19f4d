import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, RequirePermissions } from '../../common/auth/decorators';
import { type IfMatch, IfMatchHeader } from '../../common/http/etag';
import { Idempotent } from '../../common/http/idempotency/idempotent.decorator';
import { ApiIfMatch, ApiProblems } from '../../common/http/openapi';
import { ApiPageResponse } from '../../common/http/pagination';
import { UuidParam } from '../../common/http/validation';
import { ApplicationReassignment } from '../lifecycle/application-reassignment.service';
import { ApplicationsService } from './applications.service';
import { ReassignDto, ReassignResultDto } from '../dto/transition.dto';
import { ApplicationContentDto } from '../dto/application-content.dto';
import { ApplicationDto } from '../dto/application.dto';
import { ApplicationFiltersQuery } from '../dto/list-applications.query';

const UPDATE_NOTE =
  'Partial update (PUT and PATCH alike): only the fields present change; "" or null clears a ' +
  'field. Only drafts can be edited (else 409; a manager returns an application to draft), ' +
  'officers only their own. `status` and the other server-written fields are refused (422): ' +
  'use the workflow routes. Send If-Match to refuse the change (412) when it changed since you read it. ' +
  'A new id number links its customer as on create (409 customer-not-visible when you may not ' +
  'see that customer); the customer the draft links already is kept.';

@ApiTags('Applications')
@Controller('applications')
export class ApplicationsController {
  constructor(
    private readonly applications: ApplicationsService,
    private readonly reassignment: ApplicationReassignment,
  ) {}

  @Get()
  @RequirePermissions('applications:read')
  @ApiOperation({
    operationId: 'applications_list',
    summary: 'List applications in your scope',
    description:
      'Filters combine with AND. Order: priority urgent, then high, then the rest; newest first within each; then id.',
  })
  @ApiPageResponse(ApplicationDto)
  @ApiProblems(422)
  list(@CurrentUser() caller: AuthUser, @Query() query: ApplicationFiltersQuery) {
    return this.applications.list(caller, query);
  }

  @Post()
  @Idempotent()
  @RequirePermissions('applications:write')
  @ApiOperation({
    operationId: 'applications_create',
    summary: 'Create a draft application',
    description:
      'Flat fields of SPEC §5 ("" = not given). Copies your branch and department; links the customer with this id card type and number (creating it when new); creates the folders borrower-documents, guarantor-documents and collateral-documents. An existing customer is linked only when you may see it or it belongs to your branch; otherwise 409 `customer-not-visible` (which says nothing of the customer), and nothing is created: a manager whose scope covers the customer creates the application instead.',
  })
  @ApiCreatedResponse({ type: ApplicationDto })
  @ApiProblems(409, 422)
  create(
    @CurrentUser() caller: AuthUser,
    @Body() body: ApplicationContentDto,
  ): Promise<ApplicationDto> {
    return this.applications.create(caller, body);
  }

  @Post('reassign')
  @HttpCode(200)
  @Idempotent()
  @RequirePermissions('applications:manage')
  @ApiOperation({
    operationId: 'applications_reassign',
    summary: "Move an officer's open applications to another officer",
    description:
      'Managers (within their scope, to an officer of their branch) and admins. Open means not rejected, withdrawn or completed. Audited per application. Who created or submitted an application stays barred from approving it.',
  })
  @ApiOkResponse({ type: ReassignResultDto })
  @ApiProblems(403, 422)
  reassign(@CurrentUser() caller: AuthUser, @Body() body: ReassignDto): Promise<ReassignResultDto> {
    return this.reassignment.reassign(caller, body);
  }

  @Get(':id')
  @RequirePermissions('applications:read')
  @ApiOperation({ operationId: 'applications_get', summary: 'One application' })
  @ApiOkResponse({ type: ApplicationDto })
  @ApiProblems(404, 422)
  get(@CurrentUser() caller: AuthUser, @UuidParam('id') id: string) {
    return this.applications.get(caller, id);
  }

  @Put(':id')
  @RequirePermissions('applications:write')
  @ApiIfMatch()
  @ApiOperation({
    operationId: 'applications_update_put',
    summary: 'Update a draft (partial, like PATCH)',
    description: UPDATE_NOTE,
  })
  @ApiOkResponse({ type: ApplicationDto })
  @ApiProblems(404, 409, 412, 422)
  replace(
    @CurrentUser() caller: AuthUser,
    @UuidParam('id') id: string,
    @Body() body: ApplicationContentDto,
    @IfMatchHeader() ifMatch?: IfMatch,
  ) {
    // PUT is a partial update too (SPEC §7): the same handler as PATCH.
    return this.update(caller, id, body, ifMatch);
  }

  @Patch(':id')
  @RequirePermissions('applications:write')
  @ApiIfMatch()
  @ApiOperation({
    operationId: 'applications_update',
    summary: 'Update a draft',
    description: UPDATE_NOTE,
  })
  @ApiOkResponse({ type: ApplicationDto })
  @ApiProblems(404, 409, 412, 422)
  update(
    @CurrentUser() caller: AuthUser,
    @UuidParam('id') id: string,
    @Body() body: ApplicationContentDto,
    @IfMatchHeader() ifMatch?: IfMatch,
  ) {
    return this.applications.update(caller, id, body, ifMatch);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions('applications:write')
  @ApiIfMatch()
  @ApiOperation({
    operationId: 'applications_delete',
    summary: 'Delete a draft',
    description: 'Drafts only (else 409); removes its folders, files and stored objects.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(404, 409, 412, 422)
  async remove(
    @CurrentUser() caller: AuthUser,
    @UuidParam('id') id: string,
    @IfMatchHeader() ifMatch?: IfMatch,
  ): Promise<void> {
    await this.applications.remove(caller, id, ifMatch);
  }
}
