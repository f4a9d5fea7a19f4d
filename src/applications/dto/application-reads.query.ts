import { OmitType } from '@nestjs/swagger';
import { ApplicationFiltersQuery } from './list-applications.query';

/**
 * The list's search and filters without `page` and `size` (nor the list's order, `sort_by` and
 * `after_id`): for the routes that read the whole filtered set (stats, the CSV export). A `page`
 * or `size` here is an unknown field (422).
 */
export class UnpagedApplicationFiltersQuery extends OmitType(ApplicationFiltersQuery, [
  'page',
  'size',
  'sort_by',
  'after_id',
] as const) {}
