import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn } from 'class-validator';
import {
  DateField,
  field,
  MoneyField,
  SearchField,
  TextField,
  UpdatedSinceField,
  UuidField,
} from '../../common/http/fields';
import { AfterIdField, SortByUpdatedAtField } from '../../common/http/list-query';
import { PageQuery } from '../../common/http/pagination';
import { ToList } from '../../common/http/transforms';
import {
  APPLICATION_STATUSES,
  type ApplicationStatus,
  LOAN_STATUSES,
  PRIORITY_LEVELS,
  RISK_CATEGORIES,
} from '../../enums/code-enums';

const values = (list: readonly { value: string }[]) => list.map((item) => item.value);
const STATUSES = values(APPLICATION_STATUSES);
const oneOf = (list: string[]) => IsIn(list, { message: `must be one of ${list.join(', ')}` });

/** `status=draft,submitted` (one or comma-separated). */
const StatusListField = () =>
  field(
    'nullable',
    {
      type: String,
      example: 'submitted,initial_review',
      description: 'One status or several, comma-separated.',
    },
    ToList(),
    IsArray(),
    ArrayMaxSize(STATUSES.length),
    IsIn(STATUSES, { each: true, message: `each must be one of ${STATUSES.join(', ')}` }),
  );

/** The search and filters the list, the cards and the CSV export share (SPEC §7). */
export class ApplicationFiltersQuery extends PageQuery {
  @StatusListField() status?: ApplicationStatus[] | null;

  @SearchField(
    'Part of a borrower name (Khmer or Latin), phone or portfolio officer name, or an exact id number',
  )
  search?: string | null;

  @field('nullable', { enum: values(RISK_CATEGORIES) }, oneOf(values(RISK_CATEGORIES)))
  risk_category?: string | null;
  @TextField('nullable', 50) product_type?: string | null;
  @MoneyField('nullable') amount_min?: string | null;
  @MoneyField('nullable') amount_max?: string | null;
  @DateField('nullable', {
    description: 'Created on or after this day (in the `timezone` setting)',
  })
  date_from?: string | null;
  @DateField('nullable', {
    description: 'Created on or before this day (in the `timezone` setting)',
  })
  date_to?: string | null;
  @UuidField('nullable') assigned_reviewer?: string | null;
  @field('nullable', { enum: values(PRIORITY_LEVELS) }, oneOf(values(PRIORITY_LEVELS)))
  priority_level?: string | null;
  @UuidField('nullable') customer_id?: string | null;
  @UuidField('nullable') branch_id?: string | null;
  @UuidField('nullable', 'The creating officer') user_id?: string | null;
  @TextField('nullable', 50) account_id?: string | null;
  @TextField('nullable', 3)
  @Transform(({ value }) => (typeof value === 'string' ? value.toUpperCase() : value))
  currency?: string | null;
  @UpdatedSinceField() updated_since?: Date | null;
  @SortByUpdatedAtField() sort_by?: 'updated_at' | null;
  @AfterIdField() after_id?: string | null;
}

/** The cards' filters (SPEC §7 "Cards"): status, loan_status, search. */
export class ApplicationCardsQuery extends PageQuery {
  @StatusListField() status?: ApplicationStatus[] | null;

  @field('nullable', { enum: values(LOAN_STATUSES) }, oneOf(values(LOAN_STATUSES)))
  loan_status?: string | null;

  @SearchField('As the list: names, phone, officer, exact id number')
  search?: string | null;
}
