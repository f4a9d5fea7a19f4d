import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, Req } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import type { AuthUser } from '../common/auth/auth-user';
import { CurrentUser, RequirePermissions } from '../common/auth/decorators';
import { ApiProblems } from '../common/http/openapi';
import { ApiPageResponse } from '../common/http/pagination';
import { UuidParam } from '../common/http/validation';
import { FileResponseDto } from './dto/file-response.dto';
import { ListFilesQuery } from './dto/list-files.query';
import { UpdateFileDto } from './dto/update-file.dto';
import { UploadFileQuery } from './dto/upload-file.query';
import { FilesService } from './files.service';

const WHO_CHANGES =
  'Who may: for a file of an application, its officer while it is a draft, a manager or admin in scope in any status before a decision (draft, submitted, review stages); nobody once it is approved, disbursed, completed, rejected or withdrawn (409 `documents-locked`); viewers never (403). A file without an application: its uploader and admins. Out of scope: 404.';

@ApiTags('Files')
@Controller('files')
export class FilesController {
  constructor(private readonly files: FilesService) {}

  @Post('upload')
  @RequirePermissions('files:write')
  @ApiOperation({
    operationId: 'files_upload',
    summary: 'Upload a file (streamed)',
    description:
      'multipart/form-data with one part named `file`. `application_id`, `folder_id` and `document_type` (all optional) come as query parameters or as form fields placed BEFORE the file part (a field after it is 422 and nothing is kept). A folder brings its application; a folder of another application is 422; `document_type` is a value of `catalog.document_types`. ' +
      "The body streams to storage while it is hashed (SHA-256): the type is sniffed from the first bytes (PDF, JPEG, PNG, GIF, WebP, HEIC, DOC/DOCX, XLS/XLSX, plain text; the name's extension must fit the content; else 415 `file-type-not-allowed`). Over MAX_FILE_SIZE: 413 `file-too-large`; a truncated body: 400 `malformed-multipart`; no file, two files or an empty file: 422. The name is kept (cleaned) as `original_filename` only. " +
      'Who may: into an application, its officer while it is a draft, a manager or admin in scope before a decision (decided: 409 `documents-locked`); viewers never (403); out of scope: 404. Without an application, any user with files:write (the file is then visible to them and admins only). For files over the limit, use the presigned or chunked upload.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        application_id: { type: 'string', format: 'uuid' },
        folder_id: { type: 'string', format: 'uuid' },
        document_type: { type: 'string' },
        file: { type: 'string', format: 'binary' },
      },
    },
  })
  @ApiCreatedResponse({ type: FileResponseDto })
  @ApiProblems(400, 404, 409, 413, 415, 422, 503)
  upload(
    @CurrentUser() caller: AuthUser,
    @Query() query: UploadFileQuery,
    @Req() request: Request,
  ): Promise<FileResponseDto> {
    return this.files.upload(caller, query, request);
  }

  @Get()
  @RequirePermissions('files:read')
  @ApiOperation({
    operationId: 'files_list',
    summary: 'List the files you may see',
    description:
      'Files of the applications in your scope, and the files without an application you uploaded (admins: all). Filters combine with AND; newest first, then by id.',
  })
  @ApiPageResponse(FileResponseDto)
  @ApiProblems(422)
  list(@CurrentUser() caller: AuthUser, @Query() query: ListFilesQuery) {
    return this.files.list(caller, query);
  }

  @Get(':id')
  @RequirePermissions('files:read')
  @ApiOperation({
    operationId: 'files_get',
    summary: "One file's metadata",
    description:
      'Whoever may see its application; a file without an application: its uploader and admins (else 404).',
  })
  @ApiOkResponse({ type: FileResponseDto })
  @ApiProblems(404, 422)
  get(@CurrentUser() caller: AuthUser, @UuidParam('id') id: string): Promise<FileResponseDto> {
    return this.files.get(caller, id);
  }

  @Patch(':id')
  @RequirePermissions('files:write')
  @ApiOperation({
    operationId: 'files_update',
    summary: 'Rename, retype or move a file',
    description:
      'Only the fields present change; null (or "") clears. `folder_id` moves the file within its application (null: to its root); a folder of another application, or an application\'s folder for a file without an application, is 422. The stored object never moves. Audited with each change. ' +
      WHO_CHANGES,
  })
  @ApiOkResponse({ type: FileResponseDto })
  @ApiProblems(404, 409, 422)
  update(
    @CurrentUser() caller: AuthUser,
    @UuidParam('id') id: string,
    @Body() body: UpdateFileDto,
  ): Promise<FileResponseDto> {
    return this.files.update(caller, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions('files:write')
  @ApiOperation({
    operationId: 'files_delete',
    summary: 'Delete a file',
    description:
      'Removes the row, then the stored object and its thumbnails. Audited. ' +
      WHO_CHANGES.replace('in any status before a decision', 'while a draft or in a review stage'),
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(404, 409, 422)
  async remove(@CurrentUser() caller: AuthUser, @UuidParam('id') id: string): Promise<void> {
    await this.files.remove(caller, id);
  }
}
