import { Body, Controller, Delete, HttpCode, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user';
import { CurrentUser, RequirePermissions } from '../common/auth/decorators';
import { ApiProblems } from '../common/http/openapi';
import { UuidParam } from '../common/http/validation';
import { FileResponseDto } from './dto/file-response.dto';
import {
  CompleteMultipartDto,
  MultipartStartedDto,
  PartUrlsDto,
  PartUrlsResponseDto,
  StartMultipartDto,
} from './dto/multipart-upload.dto';
import { FinalizeUploadDto, UploadUrlDto, UploadUrlResponseDto } from './dto/upload-url.dto';
import { MultipartUploads } from './multipart-uploads';
import { PresignedUploads } from './presigned-uploads';

const WHO_MAY =
  "Who may: into an application, its owning officer while it is a draft, a manager or admin in scope in any status before a decision (404 out of scope, 403 wrong role, 409 `documents-locked` once decided); without an application, anyone with files:write (the file is then theirs and the admins'). A folder must belong to the application (422). The target is checked again when the file is recorded.";

const UPLOAD_ID =
  "`upload_id` is the id POST /files/multipart answered (the server's own id, not the store's multipart upload id); another user's, an expired or a finished upload is 404.";

/**
 * The upload paths where the bytes go straight from the client to storage (SPEC §7): presigned
 * PUT + finalize, and chunked (multipart) uploads. Direct uploads through the server are
 * POST /files/upload.
 */
@ApiTags('Files')
@Controller('files')
export class FileUploadsController {
  constructor(
    private readonly presigned: PresignedUploads,
    private readonly multipart: MultipartUploads,
  ) {}

  @Post('upload-url')
  @RequirePermissions('files:write')
  @ApiOperation({
    operationId: 'files_upload_url',
    summary: 'Get a presigned PUT URL for a new file',
    description: `The server chooses the key and remembers it for you, the target and PRESIGNED_UPLOAD_EXPIRE_SECONDS; PUT the bytes to upload_url, then POST /files/finalize. A \`size\` over MAX_FILE_SIZE is 413; a given size is signed into the URL. ${WHO_MAY}`,
  })
  @ApiCreatedResponse({ type: UploadUrlResponseDto })
  @ApiProblems(403, 404, 409, 413, 422)
  uploadUrl(
    @CurrentUser() caller: AuthUser,
    @Body() body: UploadUrlDto,
  ): Promise<UploadUrlResponseDto> {
    return this.presigned.requestUrl(caller, body);
  }

  @Post('finalize')
  @RequirePermissions('files:write')
  @ApiOperation({
    operationId: 'files_finalize',
    summary: 'Record a file PUT to a presigned URL',
    description: `Only a key upload-url handed out to you (another's, or none: 404), once (again: 409 \`upload-already-finalized\`); ids given must be the bound ones (422). Checks the object exists (422 when nothing was PUT yet; the key stays usable), its size (413 over MAX_FILE_SIZE), its type from its first bytes (415), hashes it (SHA-256): a refused object is deleted. ${WHO_MAY}`,
  })
  @ApiCreatedResponse({ type: FileResponseDto })
  @ApiProblems(403, 404, 409, 413, 415, 422)
  finalize(
    @CurrentUser() caller: AuthUser,
    @Body() body: FinalizeUploadDto,
  ): Promise<FileResponseDto> {
    return this.presigned.finalize(caller, body);
  }

  @Post('multipart')
  @RequirePermissions('files:write')
  @ApiOperation({
    operationId: 'files_multipart_start',
    summary: 'Start a chunked upload (large files)',
    description: `For files up to MAX_MULTIPART_FILE_SIZE (else 413). Answers the part size (at least 5 MiB; at most 10,000 parts) and the upload's expiry (24 h; then it is aborted). ${WHO_MAY}`,
  })
  @ApiCreatedResponse({ type: MultipartStartedDto })
  @ApiProblems(403, 404, 409, 413, 422)
  startMultipart(
    @CurrentUser() caller: AuthUser,
    @Body() body: StartMultipartDto,
  ): Promise<MultipartStartedDto> {
    return this.multipart.start(caller, body);
  }

  @Post('multipart/:upload_id/parts')
  @HttpCode(200)
  @RequirePermissions('files:write')
  @ApiOperation({
    operationId: 'files_multipart_part_urls',
    summary: 'Presigned PUT URLs for parts of a chunked upload',
    description: `Part numbers from 1 to part_count (else 422), at most 1,000 per request. Only the user who started the upload. ${UPLOAD_ID}`,
  })
  @ApiOkResponse({ type: PartUrlsResponseDto })
  @ApiProblems(404, 422)
  partUrls(
    @CurrentUser() caller: AuthUser,
    @UuidParam('upload_id') uploadId: string,
    @Body() body: PartUrlsDto,
  ): Promise<PartUrlsResponseDto> {
    return this.multipart.partUrls(caller, uploadId, body);
  }

  @Post('multipart/:upload_id/complete')
  @RequirePermissions('files:write')
  @ApiOperation({
    operationId: 'files_multipart_complete',
    summary: 'Finish a chunked upload and record the file',
    description: `Every part from 1 to part_count once, with the ETag each PUT answered (else 422; the upload stays open). The assembled file must have the declared size (else 422 and it is deleted) and an allowed type (else 415 and it is deleted). Answers 201 with \`sha256: null\`: a background job fills it shortly by reading the object. ${UPLOAD_ID} ${WHO_MAY}`,
  })
  @ApiCreatedResponse({ type: FileResponseDto })
  @ApiProblems(403, 404, 409, 415, 422)
  complete(
    @CurrentUser() caller: AuthUser,
    @UuidParam('upload_id') uploadId: string,
    @Body() body: CompleteMultipartDto,
  ): Promise<FileResponseDto> {
    return this.multipart.complete(caller, uploadId, body);
  }

  @Delete('multipart/:upload_id')
  @HttpCode(204)
  @RequirePermissions('files:write')
  @ApiOperation({
    operationId: 'files_multipart_abort',
    summary: 'Abort a chunked upload',
    description: `Aborts the upload in storage and forgets it. A store that cannot abort (the embedded S3 server answers 405) is logged, and the upload is still forgotten. Only the user who started it. ${UPLOAD_ID}`,
  })
  @ApiNoContentResponse({ description: 'Aborted' })
  @ApiProblems(404, 422)
  async abortMultipart(
    @CurrentUser() caller: AuthUser,
    @UuidParam('upload_id') uploadId: string,
  ): Promise<void> {
    await this.multipart.abort(caller, uploadId);
  }
}
