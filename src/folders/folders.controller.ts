import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user';
import { CurrentUser, RequirePermissions } from '../common/auth/decorators';
import { type IfMatch, IfMatchHeader } from '../common/http/etag';
import { Idempotent } from '../common/http/idempotency/idempotent.decorator';
import { ApiIfMatch, ApiProblems } from '../common/http/openapi';
import { UuidParam } from '../common/http/validation';
import { FolderDto } from './dto/folder.dto';
import { DeleteFolderQuery, ListFoldersQuery } from './dto/folder-queries.dto';
import { CreateFolderDto, UpdateFolderDto } from './dto/folder-write.dto';
import { FoldersService, MAX_LISTED_FOLDERS } from './folders.service';

const WHO_SEES =
  'A folder of an application is visible to whoever may see the application; a folder of no application only to its creator and admins (others get 404).';
const WHO_CHANGES =
  'The owning officer while the application is a draft; a manager or admin in scope in any status before a decision (draft, submitted, review stages). Once the application is approved, disbursed, completed, rejected or withdrawn: 409 `documents-locked`. Viewers read only (403). A folder of no application: its creator and admins.';

@ApiTags('Folders')
@Controller('folders')
export class FoldersController {
  constructor(private readonly folders: FoldersService) {}

  @Get()
  @RequirePermissions('files:read')
  @ApiOperation({
    operationId: 'folders_list',
    summary: 'List folders (a plain array)',
    description: `Root folders, or the sub-folders of \`parent_id\`; \`application_id\` keeps one application's. Ordered by name ignoring case, then id; at most ${MAX_LISTED_FOLDERS} folders (no pages: narrow with parent_id or application_id). \`file_count\` counts the files each holds directly. ${WHO_SEES}`,
  })
  @ApiOkResponse({ type: [FolderDto] })
  @ApiProblems(422)
  list(@CurrentUser() caller: AuthUser, @Query() query: ListFoldersQuery): Promise<FolderDto[]> {
    return this.folders.list(caller, query);
  }

  @Get(':id')
  @RequirePermissions('files:read')
  @ApiOperation({ operationId: 'folders_get', summary: 'One folder', description: WHO_SEES })
  @ApiOkResponse({ type: FolderDto })
  @ApiProblems(404, 422)
  get(@CurrentUser() caller: AuthUser, @UuidParam('id') id: string): Promise<FolderDto> {
    return this.folders.get(caller, id);
  }

  @Post()
  @Idempotent()
  @RequirePermissions('files:write')
  @ApiOperation({
    operationId: 'folders_create',
    summary: 'Create a folder',
    description: `Inside \`parent_id\` (the new folder takes the parent's application; a different \`application_id\` is 422), at the root of \`application_id\`, or, with neither, among your own folders of no application. A sibling with the same name ignoring case is 409. Who may: ${WHO_CHANGES} Audited (folder.created).`,
  })
  @ApiCreatedResponse({ type: FolderDto })
  @ApiProblems(403, 404, 409, 422)
  create(@CurrentUser() caller: AuthUser, @Body() body: CreateFolderDto): Promise<FolderDto> {
    return this.folders.create(caller, body);
  }

  @Patch(':id')
  @RequirePermissions('files:write')
  @ApiIfMatch()
  @ApiOperation({
    operationId: 'folders_update',
    summary: 'Rename or move a folder',
    description: `\`name\` renames it (the default folders too); \`parent_id\` moves it under another folder of the same application (another application: 422; into itself or its own subtree: 409 \`folder-cycle\`; null: to the root). Stored objects keep their keys. Who may: ${WHO_CHANGES} Audited (folder.updated, with from and to).`,
  })
  @ApiOkResponse({ type: FolderDto })
  @ApiProblems(403, 404, 409, 412, 422)
  update(
    @CurrentUser() caller: AuthUser,
    @UuidParam('id') id: string,
    @Body() body: UpdateFolderDto,
    @IfMatchHeader() ifMatch?: IfMatch,
  ): Promise<FolderDto> {
    return this.folders.update(caller, id, body, ifMatch);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions('files:write')
  @ApiOperation({
    operationId: 'folders_delete',
    summary: 'Delete a folder',
    description: `A folder that holds files or folders is 409 \`folder-not-empty\` (the detail says how many) unless \`recursive=true\`, which deletes the whole subtree with its files, their stored objects and thumbnails. The three folders every application has cannot be deleted (409). Who may: the owning officer while the application is a draft; a manager or admin in scope before a decision; decided applications: 409 \`documents-locked\`; viewers: 403. A folder of no application: its creator and admins. Audited (folder.deleted, with the counts).`,
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(403, 404, 409, 422)
  async remove(
    @CurrentUser() caller: AuthUser,
    @UuidParam('id') id: string,
    @Query() query: DeleteFolderQuery,
  ): Promise<void> {
    await this.folders.delete(caller, id, query.recursive ?? false);
  }
}
