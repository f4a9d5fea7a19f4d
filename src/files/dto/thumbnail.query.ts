import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional } from 'class-validator';
import { toInteger } from '../../common/http/transforms';
import { THUMBNAIL_SIZES, type ThumbnailSize } from '../object-keys';

/** The default size of `GET /files/{id}/thumbnail` when `size` is absent (or empty). */
export const DEFAULT_THUMBNAIL_SIZE: ThumbnailSize = 256;

export class ThumbnailQuery {
  @ApiPropertyOptional({
    enum: THUMBNAIL_SIZES,
    default: DEFAULT_THUMBNAIL_SIZE,
    description: 'The longest side, in pixels (never larger than the original). Absent: 256.',
  })
  @IsOptional()
  // A form's empty field means "not given".
  @Transform(({ value }) => (value === '' ? undefined : toInteger(value)))
  @IsIn(THUMBNAIL_SIZES, { message: `size must be one of ${THUMBNAIL_SIZES.join(', ')}` })
  size?: ThumbnailSize;
}
