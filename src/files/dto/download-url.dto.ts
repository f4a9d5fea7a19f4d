import { ApiProperty } from '@nestjs/swagger';

/** `GET /files/{id}/download`: a short-lived URL that fetches the bytes from the store itself. */
export class DownloadUrlDto {
  @ApiProperty({
    description:
      'A presigned GET URL of the object store: no Authorization header needed, so it works as ' +
      'an `<img src>` or a link. The store answers with the stored type and an attachment ' +
      'disposition naming the file. It keeps working until it expires, even after logout.',
  })
  download_url: string;

  @ApiProperty({ description: 'Seconds the URL stays valid (PRESIGNED_DOWNLOAD_EXPIRE_SECONDS).' })
  expires_in: number;
}
