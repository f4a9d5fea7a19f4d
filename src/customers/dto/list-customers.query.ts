import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { SearchField, UpdatedSinceField } from '../../common/http/fields';
import { AfterIdField, SortByUpdatedAtField } from '../../common/http/list-query';
import { PageQuery } from '../../common/http/pagination';
import { EmptyToNull, Trim } from '../../common/http/transforms';

/** GET /customers: newest first; filters combine with AND, within the caller's scope. */
export class ListCustomersQuery extends PageQuery {
  @SearchField(
    'Part of a name (Latin or Khmer) or of the phone number, ignoring case; or an exact id ' +
      'number (ignoring case, spaces and dashes).',
  )
  search?: string | null;

  @ApiPropertyOptional({ type: String, format: 'uuid' })
  @EmptyToNull()
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  branch_id?: string | null;

  @ApiPropertyOptional({ type: String, example: 'cambodian_identity' })
  @Trim()
  @EmptyToNull()
  @IsOptional()
  @IsString()
  @MaxLength(50)
  id_card_type?: string | null;

  @UpdatedSinceField()
  updated_since?: Date | null;

  @SortByUpdatedAtField()
  sort_by?: 'updated_at' | null;

  @AfterIdField()
  after_id?: string | null;
}
