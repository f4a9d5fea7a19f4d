import { Controller, Get, Headers, Logger, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AuthUser } from '../common/auth/auth-user';
import { CurrentUser, RequirePermissions } from '../common/auth/decorators';
import { ApiFileResponse, ApiProblems } from '../common/http/openapi';
import { UuidParam } from '../common/http/validation';
import { attachmentDisposition } from '../storage/storage.service';
import { DocumentsZip } from './documents-zip';
import { DownloadUrlDto } from './dto/download-url.dto';
import { DEFAULT_THUMBNAIL_SIZE, ThumbnailQuery } from './dto/thumbnail.query';
import { FileDownloads, type StreamedAnswer } from './file-downloads';
import { Thumbnails } from './thumbnails';

/** GET routes answer HEAD too (Express): HEAD reads no object and writes no audit event. */
const methodOf = (response: Response) => (response.req.method === 'HEAD' ? 'HEAD' : 'GET');

const WHO_READS =
  'Whoever may see the file: a file of an application goes with the application (officers ' +
  'their own, managers their branch, admins all, viewers read too); one without an application ' +
  'its uploader and admins. Otherwise 404.';

/**
 * Getting documents out (SPEC §7, issue 11 items 6 and 7): presigned URLs, the bytes streamed
 * through the server, an application's documents as one ZIP, and thumbnails of images.
 */
@ApiTags('Files')
@Controller()
export class FileDownloadsController {
  private readonly logger = new Logger(FileDownloadsController.name);

  constructor(
    private readonly downloads: FileDownloads,
    private readonly thumbnails: Thumbnails,
    private readonly zips: DocumentsZip,
  ) {}

  @Get('files/:id/download')
  @RequirePermissions('files:read')
  @ApiOperation({
    operationId: 'files_download_url',
    summary: 'A short-lived download URL of a file',
    description:
      `${WHO_READS} The URL is presigned for the object store (PRESIGNED_DOWNLOAD_EXPIRE_SECONDS, ` +
      "default 300 s), downloads under the file's name with its stored type, and works as an " +
      '`<img src>`. Audited (`file.downloaded`, via "url").',
  })
  @ApiOkResponse({ type: DownloadUrlDto })
  @ApiProblems(404, 422, 503)
  downloadUrl(
    @CurrentUser() caller: AuthUser,
    @UuidParam('id') id: string,
  ): Promise<DownloadUrlDto> {
    return this.downloads.downloadUrl(caller, id);
  }

  @Get('files/:id/content')
  @RequirePermissions('files:read')
  @ApiOperation({
    operationId: 'files_content',
    summary: "A file's bytes, streamed through the server",
    description:
      `${WHO_READS} Sent with its stored type, \`X-Content-Type-Options: nosniff\` and an ` +
      'attachment disposition. One byte range (`Range: bytes=0-99`, `bytes=100-`, `bytes=-50`) ' +
      'answers 206 with Content-Range; a range past the end 416 (`Content-Range: bytes */size`); ' +
      'several ranges or a header not understood are ignored (200, the whole file). Each ' +
      'request is audited (`file.downloaded`, via "content", with the range); `HEAD` answers ' +
      'the same headers without reading the object or auditing.',
  })
  @ApiHeader({ name: 'Range', required: false, description: 'One byte range, e.g. bytes=0-1023' })
  @ApiFileResponse(200, 'application/octet-stream', 'The whole file, sent with its stored type')
  @ApiFileResponse(206, 'application/octet-stream', 'The range asked for (Content-Range)')
  @ApiProblems(404, 416, 422, 503)
  async content(
    @CurrentUser() caller: AuthUser,
    @UuidParam('id') id: string,
    @Headers('range') range: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    await this.send(response, await this.downloads.content(caller, id, range, methodOf(response)));
  }

  @Get('files/:id/thumbnail')
  @RequirePermissions('files:read')
  @ApiOperation({
    operationId: 'files_thumbnail',
    summary: 'A JPEG preview of an image',
    description:
      `${WHO_READS} For JPEG, PNG, GIF and WebP files (others 415 \`file-type-not-allowed\`). ` +
      '`size` is the longest side: 128, 256, 512 or 1024 (else 422); absent, 256. Turned ' +
      'upright from EXIF, without any metadata (no GPS), never enlarged. Made on the first ' +
      'request, then served from storage: `Cache-Control: private, max-age=86400` and an ETag ' +
      "(from the file's SHA-256 and the size); `If-None-Match` with it answers 304. An image " +
      'over 100,000,000 pixels is 422 `image-too-large` (the file itself stays). At most 2 ' +
      'previews are made at once per server; one that waited 10 s for its turn is 503 with ' +
      'Retry-After. Not audited (a derived preview).',
  })
  @ApiHeader({ name: 'If-None-Match', required: false })
  @ApiFileResponse(200, 'image/jpeg', 'The JPEG thumbnail')
  @ApiResponse({ status: 304, description: 'Not modified (If-None-Match matched the ETag)' })
  @ApiProblems(404, 415, 422, 503)
  async thumbnail(
    @CurrentUser() caller: AuthUser,
    @UuidParam('id') id: string,
    @Query() query: ThumbnailQuery,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const size = query.size ?? DEFAULT_THUMBNAIL_SIZE;
    const answer = await this.thumbnails.thumbnail(caller, id, size, ifNoneMatch);
    if (answer.kind === 'not-modified') {
      response.status(304).set(answer.headers).end();
      return;
    }
    await this.send(response, answer);
  }

  @Get('applications/:id/documents.zip')
  @RequirePermissions('files:read')
  @ApiTags('Applications')
  @ApiOperation({
    operationId: 'applications_documents_zip',
    summary: 'Every document of an application, as one ZIP',
    description:
      'Whoever may see the application (else 404). Streamed as it is made (no temporary ' +
      "file): entries under their folder's path, named by display or original name, made " +
      'unique ("a.pdf", "a (2).pdf"); images, PDF and Office files stored, text compressed. ' +
      'An application without documents gives an empty ZIP. Audited once ' +
      '(`application.documents_downloaded`, with the ids of the files); `HEAD` only checks access ' +
      '(not audited).',
  })
  @ApiFileResponse(
    200,
    'application/zip',
    'The ZIP (`Content-Disposition: attachment; filename="application-{id}-documents.zip"`)',
  )
  @ApiProblems(404, 422, 503)
  async documentsZip(
    @CurrentUser() caller: AuthUser,
    @UuidParam('id') id: string,
    @Res() response: Response,
  ): Promise<void> {
    const archive =
      methodOf(response) === 'HEAD'
        ? { filename: await this.zips.filename(caller, id), stream: Readable.from([]) }
        : await this.zips.open(caller, id);
    await this.send(response, {
      status: 200,
      headers: {
        'Content-Type': 'application/zip',
        'Content-Disposition': attachmentDisposition(archive.filename),
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'private, no-store',
      },
      body: archive.stream,
    });
  }

  /**
   * Streams an answer whose checks are all done. pipeline honours backpressure and, when either
   * side fails, destroys the other: a storage failure cuts the connection (the client sees an
   * incomplete answer, never a hang), a client that leaves releases the object's stream.
   */
  private async send(response: Response, answer: StreamedAnswer): Promise<void> {
    response.status(answer.status).set(answer.headers);
    try {
      await pipeline(answer.body, response);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
      this.logger.error({ err: error }, 'a download broke off');
      response.destroy();
    }
  }
}
