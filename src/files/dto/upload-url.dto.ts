import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsString, Matches, MaxLength, Min } from 'class-validator';
import { field, TextField, UuidField } from '../../common/http/fields';

/** A client's file name: any text (cleaned by the server, data only), at most this long. */
export const MAX_RAW_NAME_LENGTH = 16_384;

/** A file name as a client sends it: accepted whatever it holds, cleaned later. */
export const RawFileNameField = (description: string) =>
  field(
    'required',
    { type: String, maxLength: MAX_RAW_NAME_LENGTH, description, example: 'ID card (front).jpg' },
    IsString(),
    IsNotEmpty(),
    MaxLength(MAX_RAW_NAME_LENGTH),
  );

/** A MIME type as `type/subtype` (parameters allowed), or "" / null. */
export const ContentTypeField = () =>
  field(
    'nullable',
    {
      type: String,
      maxLength: 255,
      example: 'image/jpeg',
      description:
        'The Content-Type the client will send with its PUT (then signed into the URL: another one is refused). The stored mime_type is always sniffed from the bytes.',
    },
    IsString(),
    MaxLength(255),
    Matches(/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/, { message: 'must be a MIME type (type/subtype)' }),
  );

/** Where the new file goes: the same three fields on every upload path. */
export class UploadTargetFields {
  @UuidField('nullable', 'The application the file belongs to.') application_id?: string | null;
  @UuidField('nullable', 'A folder (of that application, when one is given).')
  folder_id?: string | null;
  @TextField('nullable', 50, { description: 'One of catalog.document_types.' })
  document_type?: string | null;
}

@ApiSchema({ name: 'UploadUrlBody' })
export class UploadUrlDto extends UploadTargetFields {
  @RawFileNameField(
    "The client's file name: its extension (if of an allowed type) becomes the key's.",
  )
  filename: string;

  @field(
    'nullable',
    {
      type: Number,
      minimum: 1,
      description:
        'Bytes. When given: over MAX_FILE_SIZE is 413, and the length is signed into the URL (a PUT of another length is refused by the store). When absent, finalize enforces the limit.',
    },
    IsInt({ message: 'must be a whole number of bytes' }),
    Min(1),
  )
  size?: number | null;

  @ContentTypeField() content_type?: string | null;
}

@ApiSchema({ name: 'UploadUrl' })
export class UploadUrlResponseDto {
  @ApiProperty({
    description:
      'The key chosen by the server, bound to you, the target and an expiry; send it to finalize.',
    example: 'user-uploads/5a0c…/0b6f7c1e-5d0a-4c41-9a77-2f1f3c0c1a10.pdf',
  })
  object_name: string;
  @ApiProperty({ description: 'PUT the bytes here (signed for MINIO_PUBLIC_ENDPOINT).' })
  upload_url: string;
  @ApiProperty({ description: 'Seconds the URL stays valid (PRESIGNED_UPLOAD_EXPIRE_SECONDS).' })
  expires_in: number;
}

@ApiSchema({ name: 'FinalizeUploadBody' })
export class FinalizeUploadDto extends UploadTargetFields {
  @field(
    'required',
    { type: String, maxLength: 1024, description: 'The object_name upload-url answered.' },
    IsString(),
    IsNotEmpty(),
    MaxLength(1024),
  )
  object_name: string;

  @RawFileNameField("The client's file name, kept (cleaned) as original_filename.")
  original_filename: string;
}
