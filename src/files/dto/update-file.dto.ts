import { TextField, UuidField } from '../../common/http/fields';
import { CatalogField } from '../../settings/in-catalog';

/**
 * `PATCH /files/{id}`: only the fields present change; null (or "") clears a field. The
 * object key never changes (SPEC §8): a move changes only the row.
 */
export class UpdateFileDto {
  @TextField('nullable', 255, { description: 'A name to show; null shows original_filename.' })
  display_name?: string | null;

  @CatalogField('nullable', 'document_types', 'land_title')
  document_type?: string | null;

  @UuidField(
    'nullable',
    "A folder of the file's application to move it to; null moves it to the application's root. An unattached upload may move only between your own folders without an application.",
  )
  folder_id?: string | null;
}
