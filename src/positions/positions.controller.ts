import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { RequirePermissions } from '../common/auth/decorators';
import { type IfMatch, IfMatchHeader } from '../common/http/etag';
import { Idempotent } from '../common/http/idempotency/idempotent.decorator';
import { ApiProblems } from '../common/http/openapi';
import { ApiPageResponse } from '../common/http/pagination';
import { PartialUpdate } from '../common/http/partial-update';
import { UuidParam } from '../common/http/validation';
import { ApiIfMatch } from '../common/http/openapi';
import { ListPositionsQuery } from './dto/list-positions.query';
import { PositionDto } from './dto/position.dto';
import { CreatePositionDto, UpdatePositionDto } from './dto/position-write.dto';
import { PositionsService } from './positions.service';

const UPDATE_NOTE =
  'Partial update (PUT and PATCH alike): only the fields present change; "" or null clears ' +
  'the description. Send If-Match to refuse the change (412) when the record changed since you read it.';

@ApiTags('Positions')
@Controller('positions')
export class PositionsController {
  constructor(private readonly positions: PositionsService) {}

  @Get()
  @RequirePermissions('org:read')
  @ApiOperation({
    operationId: 'positions_list',
    summary: 'List positions',
    description: 'Default order: name ascending (ignoring case). `search` matches the name.',
  })
  @ApiPageResponse(PositionDto)
  @ApiProblems(422)
  list(@Query() query: ListPositionsQuery) {
    return this.positions.list(query);
  }

  @Post()
  @Idempotent()
  @RequirePermissions('org:write')
  @ApiOperation({ operationId: 'positions_create', summary: 'Create a position' })
  @ApiCreatedResponse({ type: PositionDto })
  @ApiProblems(409, 422)
  create(@Body() body: CreatePositionDto): Promise<PositionDto> {
    return this.positions.create(body);
  }

  @Get(':id')
  @RequirePermissions('org:read')
  @ApiOperation({ operationId: 'positions_get', summary: 'One position' })
  @ApiOkResponse({ type: PositionDto })
  @ApiProblems(404, 422)
  get(@UuidParam('id') id: string): Promise<PositionDto> {
    return this.positions.get(id);
  }

  @Put(':id')
  @PartialUpdate({
    permission: 'org:write',
    type: PositionDto,
    operation: {
      operationId: 'positions_update_put',
      summary: 'Update a position (partial, like PATCH)',
      description: UPDATE_NOTE,
    },
  })
  replace(
    @UuidParam('id') id: string,
    @Body() body: UpdatePositionDto,
    @IfMatchHeader() ifMatch?: IfMatch,
  ): Promise<PositionDto> {
    return this.update(id, body, ifMatch);
  }

  @Patch(':id')
  @PartialUpdate({
    permission: 'org:write',
    type: PositionDto,
    operation: {
      operationId: 'positions_update',
      summary: 'Update a position',
      description: UPDATE_NOTE,
    },
  })
  update(
    @UuidParam('id') id: string,
    @Body() body: UpdatePositionDto,
    @IfMatchHeader() ifMatch?: IfMatch,
  ): Promise<PositionDto> {
    return this.positions.update(id, body, ifMatch);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions('org:write')
  @ApiIfMatch()
  @ApiOperation({
    operationId: 'positions_delete',
    summary: 'Delete a position',
    description: 'Refused (409) while users hold it; move them first, or deactivate it.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(404, 409, 412, 422)
  remove(@UuidParam('id') id: string, @IfMatchHeader() ifMatch?: IfMatch): Promise<void> {
    return this.positions.remove(id, ifMatch);
  }
}
