import { DateField, NotBeforeDateFrom, UuidField } from '../../common/http/fields';

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
