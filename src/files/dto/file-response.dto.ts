import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { StoredFile } from '../stored-file.entity';

const nullableUuid = { format: 'uuid', type: String, nullable: true } as const;

/** A stored document as the API answers it (SPEC §7 FileResponse). */
@ApiSchema({ name: 'FileResponse' })
export class FileResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    description: "The stored name: the object key's last part (`{uuid}{ext}`), made by the server.",
    example: '0b6f7c1e-5d0a-4c41-9a77-2f1f3c0c1a10.pdf',
  })
  filename: string;
  @ApiProperty({
    description:
      "The client's name, cleaned (NFC, no control characters, no path, at most 255 characters): data only.",
    example: 'ID card (front).jpg',
  })
  original_filename: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'A name to show; null shows original_filename.',
  })
  display_name: string | null;
  @ApiProperty({ description: 'Bytes.', example: 204800 }) file_size: number;
  @ApiProperty({
    description: 'Sniffed from the bytes, never taken from the client.',
    example: 'image/jpeg',
  })
  mime_type: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Hex SHA-256 of the bytes. Null for a moment after a chunked upload completes: a background job fills it by reading the object.',
  })
  sha256: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'One of catalog.document_types.' })
  document_type: string | null;
  @ApiProperty({ description: 'The object key (server-made; never changes).' }) file_path: string;
  @ApiProperty(nullableUuid) uploaded_by: string | null;
  @ApiProperty(nullableUuid) application_id: string | null;
  @ApiProperty(nullableUuid) folder_id: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: Date;
}

export function toFileResponse(file: StoredFile): FileResponseDto {
  return {
    id: file.id,
    filename: file.filename,
    original_filename: file.originalFilename,
    display_name: file.displayName,
    file_size: Number(file.fileSize),
    mime_type: file.mimeType,
    sha256: file.sha256,
    document_type: file.documentType,
    file_path: file.filePath,
    uploaded_by: file.uploadedBy,
    application_id: file.applicationId,
    folder_id: file.folderId,
    created_at: file.createdAt,
  };
}
