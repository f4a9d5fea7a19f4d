import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { Folder } from '../folder.entity';

const nullableUuid = { format: 'uuid', type: String, nullable: true } as const;

/** A folder as the API answers it (SPEC §7 Folders). */
@ApiSchema({ name: 'FolderResponse' })
export class FolderDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'borrower-documents', description: 'Trimmed, NFC-normalised.' })
  name: string;
  @ApiProperty({ ...nullableUuid, description: 'null: a root folder.' }) parent_id: string | null;
  @ApiProperty({
    ...nullableUuid,
    description: 'null: a folder of its creator, in no application.',
  })
  application_id: string | null;
  @ApiProperty({ description: 'How many files the folder holds directly (not in sub-folders).' })
  file_count: number;
  @ApiProperty({ description: 'Sent back as the ETag; PATCH takes it in If-Match.' })
  version: number;
  @ApiProperty({ format: 'date-time' }) created_at: Date;
  @ApiProperty({ format: 'date-time' }) updated_at: Date;
}

export function toFolderDto(folder: Folder, fileCount: number): FolderDto {
  return {
    id: folder.id,
    name: folder.name,
    parent_id: folder.parentId,
    application_id: folder.applicationId,
    file_count: fileCount,
    version: folder.version,
    created_at: folder.createdAt,
    updated_at: folder.updatedAt,
  };
}
