import { SearchField, TextField, UuidField } from '../../common/http/fields';
import { PageQuery } from '../../common/http/pagination';

/** `GET /files`: the filters combine with AND; `page` and `size` as every list. */
export class ListFilesQuery extends PageQuery {
  @UuidField('nullable', 'Only the files of this application.')
  application_id?: string | null;

  @UuidField('nullable', 'Only the files directly in this folder.')
  folder_id?: string | null;

  @TextField('nullable', 50, { description: 'Only files of this `catalog.document_types` value.' })
  document_type?: string | null;

  @SearchField('Case-insensitive substring of original_filename or display_name.')
  search?: string | null;
}
