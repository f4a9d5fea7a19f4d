import { IsString, ValidateBy } from 'class-validator';
import { Transform } from 'class-transformer';
import { field, type Presence, refuseServerFields, UuidField } from '../../common/http/fields';
import { checkFolderName, MAX_FOLDER_NAME_LENGTH } from '../folder-names';

/** A folder's name: trimmed and NFC-normalised, then 1 to 255 characters, no control characters. */
const FolderNameField = (presence: Exclude<Presence, 'nullable'>) =>
  field(
    presence,
    {
      type: String,
      minLength: 1,
      maxLength: MAX_FOLDER_NAME_LENGTH,
      example: 'រូបថតអ្នកខ្ចី',
      description:
        'Trimmed and NFC-normalised; unique among its siblings ignoring case (else 409).',
    },
    Transform(({ value }) => (typeof value === 'string' ? value.normalize('NFC').trim() : value)),
    IsString(),
    ValidateBy({
      name: 'folderName',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && checkFolderName(value).ok,
        defaultMessage: (args) => {
          const check = checkFolderName(String(args?.value ?? ''));
          return check.ok ? 'is not a valid folder name' : check.msg;
        },
      },
    }),
  );

/** POST /folders. */
export class CreateFolderDto {
  @FolderNameField('required') name: string;
  @UuidField(
    'nullable',
    'Create it inside this folder: the new folder takes the parent’s application. null or "": a root folder.',
  )
  parent_id?: string | null;
  @UuidField(
    'nullable',
    'The application the folder belongs to. With parent_id it must be the parent’s (else 422). null or "" and no parent: a folder of your own, in no application.',
  )
  application_id?: string | null;
}

/** PATCH /folders/{id}: rename, move, or both. */
export class UpdateFolderDto {
  @FolderNameField('optional') name?: string;
  @UuidField(
    'nullable',
    'Move it inside this folder of the same application (another application: 422; its own subtree: 409). null or "": move it to the root.',
  )
  parent_id?: string | null;
}

const SERVER_FIELDS = ['id', 'file_count', 'version', 'created_at', 'updated_at'] as const;
refuseServerFields(CreateFolderDto, SERVER_FIELDS);
refuseServerFields(UpdateFolderDto, SERVER_FIELDS);
