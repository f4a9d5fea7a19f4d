import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { UpdatedSinceField, UuidField } from '../../common/http/fields';
import { ToBoolean } from '../../common/http/transforms';

/** GET /folders. */
export class ListFoldersQuery {
  @UuidField('nullable', 'The sub-folders of this folder; without it, root folders.')
  parent_id?: string | null;
  @UuidField('nullable', 'Only the folders of this application.')
  application_id?: string | null;
  @UpdatedSinceField() updated_since?: Date | null;
}

/** DELETE /folders/{id}. */
export class DeleteFolderQuery {
  @ApiPropertyOptional({
    description:
      '`true`: delete the folder with everything below it (sub-folders, files, their stored objects and thumbnails). Else a folder that holds anything is 409.',
    default: false,
  })
  @ToBoolean()
  @IsOptional()
  @IsBoolean()
  recursive?: boolean;
}
