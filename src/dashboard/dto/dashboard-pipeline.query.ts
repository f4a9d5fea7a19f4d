import { PickType } from '@nestjs/swagger';
import { ValidateBy } from 'class-validator';
import { isCalendarDate } from '../../common/http/fields';
import { UnpagedApplicationFiltersQuery } from '../../applications/dto/application-reads.query';

/**
 * `date_to` must not be before `date_from` (both `YYYY-MM-DD`, so their text compares as the
 * days do): 422 `date_range` on `date_to`, as `GET /audit` says it.
 */
export const NotBeforeDateFrom = () =>
  ValidateBy({
    name: 'date_range',
    validator: {
      validate: (dateTo: unknown, args) => {
        const dateFrom = (args?.object as { date_from?: unknown }).date_from;
        if (typeof dateTo !== 'string' || typeof dateFrom !== 'string') return true;
        if (!isCalendarDate(dateTo) || !isCalendarDate(dateFrom)) return true;
        return dateTo >= dateFrom;
      },
      defaultMessage: () => 'must not be before date_from',
    },
  });

/**
 * `GET /dashboard/pipeline`: the application list's `date_from`, `date_to` (days of creation in
 * the `timezone` setting, both inclusive) and `branch_id`, validated as the list validates them.
 */
export class DashboardPipelineQuery extends PickType(UnpagedApplicationFiltersQuery, [
  'date_from',
  'date_to',
  'branch_id',
] as const) {
  @NotBeforeDateFrom()
  override date_to?: string | null;
}
