import { TextField, UuidField } from '../../common/http/fields';

/** Where a directly uploaded file goes (`POST /files/upload?…`); all optional. */
export class UploadFileQuery {
  @UuidField(
    'nullable',
    'The application the file belongs to. Optional when folder_id is given (the folder brings it).',
  )
  application_id?: string | null;

  @UuidField('nullable', 'A folder of that application (or one of yours without an application).')
  folder_id?: string | null;

  @TextField('nullable', 50, { description: 'A value of `catalog.document_types`.' })
  document_type?: string | null;
}
