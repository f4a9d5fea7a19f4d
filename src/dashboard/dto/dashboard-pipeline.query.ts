import { ValidateBy } from 'class-validator';
import { DateField, isCalendarDate, UuidField } from '../../common/http/fields';

/**
 * `date_to` must not be before `date_from` (both `YYYY-MM-DD`, so their text compares as the
 * days do): 422 `date_range` on `date_to`, as `GET /audit` says it. Checks nothing while either
 * is missing or malformed (their own checks say so).
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
 * `GET /dashboard/pipeline`: the application list's `date_from`, `date_to` and `branch_id`
 * (list-applications.query.ts), which the list's filtered query reads the same way.
 */
export class DashboardPipelineQuery {
  @DateField('nullable', {
    description: 'Created on or after this day (in the `timezone` setting)',
  })
  date_from?: string | null;

  @DateField('nullable', {
    description: 'Created on or before this day (in the `timezone` setting); not before date_from',
  })
  @NotBeforeDateFrom()
  date_to?: string | null;

  @UuidField('nullable', 'Only this branch (outside your scope: nothing)')
  branch_id?: string | null;
}
