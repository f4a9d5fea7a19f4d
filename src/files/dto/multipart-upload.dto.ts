import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsInt,
  IsNotEmpty,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { field } from '../../common/http/fields';
import { ContentTypeField, RawFileNameField, UploadTargetFields } from './upload-url.dto';

/** S3's limits: at most 10,000 parts, numbered from 1. */
export const MAX_PARTS = 10_000;
/** Part URLs asked for in one request. */
export const MAX_PART_URLS_PER_REQUEST = 1_000;

@ApiSchema({ name: 'StartMultipartBody' })
export class StartMultipartDto extends UploadTargetFields {
  @RawFileNameField("The client's file name, kept (cleaned) as original_filename.")
  filename: string;

  @field(
    'required',
    {
      type: Number,
      minimum: 1,
      description: 'Total bytes; at most MAX_MULTIPART_FILE_SIZE (else 413). Checked at complete.',
    },
    IsInt({ message: 'must be a whole number of bytes' }),
    Min(1),
  )
  size: number;

  @ContentTypeField() content_type?: string | null;
}

@ApiSchema({ name: 'MultipartUpload' })
export class MultipartStartedDto {
  @ApiProperty({
    format: 'uuid',
    description:
      "The server's id of this chunked upload (not the store's multipart upload id): use it in the other multipart routes.",
  })
  upload_id: string;
  @ApiProperty({ description: 'The key chosen by the server.' }) object_name: string;
  @ApiProperty({
    description:
      'Bytes of every part but the last (at least 5 MiB, so that the file takes at most 10,000 parts).',
  })
  part_size: number;
  @ApiProperty({ description: 'How many parts the declared size takes.' }) part_count: number;
  @ApiProperty({ format: 'date-time', description: 'After this the upload is aborted.' })
  expires_at: Date;
}

@ApiSchema({ name: 'PartUrlsBody' })
export class PartUrlsDto {
  @ApiProperty({ type: [Number], example: [1, 2, 3], description: 'Part numbers, from 1.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_PART_URLS_PER_REQUEST)
  @ArrayUnique()
  @IsInt({ each: true, message: 'each part number must be a whole number' })
  @Min(1, { each: true })
  @Max(MAX_PARTS, { each: true })
  part_numbers: number[];
}

export class PartUrlDto {
  @ApiProperty() part_number: number;
  @ApiProperty({ description: 'PUT the part here; keep the ETag header of the answer.' })
  upload_url: string;
}

@ApiSchema({ name: 'PartUrls' })
export class PartUrlsResponseDto {
  @ApiProperty({ type: [PartUrlDto] }) parts: PartUrlDto[];
  @ApiProperty({ description: 'Seconds the URLs stay valid (PRESIGNED_UPLOAD_EXPIRE_SECONDS).' })
  expires_in: number;
}

export class CompletedPartDto {
  @ApiProperty({ minimum: 1, maximum: MAX_PARTS })
  @IsInt()
  @Min(1)
  @Max(MAX_PARTS)
  part_number: number;

  @ApiProperty({ description: "The ETag the store answered to the part's PUT." })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  etag: string;
}

@ApiSchema({ name: 'CompleteMultipartBody' })
export class CompleteMultipartDto {
  @ApiProperty({ type: [CompletedPartDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_PARTS)
  @ValidateNested({ each: true })
  @Type(() => CompletedPartDto)
  parts: CompletedPartDto[];
}
