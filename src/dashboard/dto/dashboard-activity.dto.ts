import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { DateField, NotBeforeDateFrom, UuidField } from '../../common/http/fields';
import { ToInteger } from '../../common/http/transforms';

export const MAX_TIMELINE_DAYS = 90;
const DEFAULT_TIMELINE_DAYS = 7;

/** GET /dashboard/activity-timeline */
export class ActivityTimelineQuery {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_TIMELINE_DAYS,
    default: DEFAULT_TIMELINE_DAYS,
    description: 'The events of the last `days` × 24 hours.',
  })
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(MAX_TIMELINE_DAYS)
  days: number = DEFAULT_TIMELINE_DAYS;
}

/** GET /dashboard/turnaround */
export class TurnaroundQuery {
  @DateField('nullable', {
    description:
      'First day (in the `timezone` setting) on which a visit ended; default: date_to − 89 days',
  })
  date_from?: string | null;

  @DateField('nullable', {
    description: 'Last day (in the `timezone` setting) on which a visit ended; default: today',
  })
  @NotBeforeDateFrom()
  date_to?: string | null;

  @UuidField(
    'nullable',
    "Only this branch's applications (one outside your scope gives empty figures, as the lists do)",
  )
  branch_id?: string | null;
}

export const ACTIVITY_TYPES = ['application', 'user'] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** One event of the activity timeline. */
export class ActivityEventDto {
  @ApiProperty({ format: 'uuid', description: 'The audit event' }) id: string;
  @ApiProperty({
    enum: ACTIVITY_TYPES,
    description:
      '`application`: an event of one application (as its history shows it); `user`: any other ' +
      'event of the audit log (sign-ins, users, settings, ...), for callers who may read it',
  })
  type: ActivityType;
  @ApiProperty({ example: 'application.approve', description: 'The audit action' })
  action: string;
  @ApiProperty({ example: 'Application approved' }) title: string;
  @ApiProperty({ example: 'amara moved the application from approval_pending to approved' })
  description: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'approved',
    description: 'The status the application entered (to_status), or null',
  })
  status: string | null;
  @ApiProperty({ format: 'date-time', description: 'When it happened' }) timestamp: string;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Who did it (null for the system and anonymous callers)',
  })
  user_id: string | null;
}

/** GET /dashboard/performance-metrics */
export class PerformanceMetricsDto {
  @ApiProperty({
    description:
      'Decisions (status changes to approved or rejected) of the last 30 days on applications ' +
      'in your scope',
  })
  applications_processed_30d: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    example: 4.2,
    description:
      'Mean days from the first submit to the decision over those decisions, one decimal; null ' +
      'when there is none',
  })
  average_processing_time_days: number | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    example: 61.5,
    description: 'Approved ÷ decisions × 100, one decimal; null when there is no decision',
  })
  approval_rate_percentage: number | null;
  @ApiProperty({
    description:
      'Users you may list (GET /users) whose last sign-in is today, the day in the `timezone` ' +
      'setting; 0 without users:read',
  })
  active_users_today: number;
}

/** Count, open visits, median and 90th percentile of one stage (or end to end). */
export class TurnaroundFiguresDto {
  @ApiProperty({
    description:
      'Applications whose time is measured (visits ended in the period, summed per application)',
  })
  count: number;
  @ApiProperty({
    description: 'Visits not left yet: applications now in the stage (left out of the figures)',
  })
  open: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Hours, one decimal; null when count is 0',
  })
  median_hours: number | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Hours, one decimal; null when count is 0',
  })
  p90_hours: number | null;
}

export class StageTurnaroundDto extends TurnaroundFiguresDto {
  @ApiProperty({
    enum: ['submitted', 'initial_review', 'credit_check', 'approval_pending', 'approved'],
  })
  stage: string;
}

/** GET /dashboard/turnaround */
export class TurnaroundDto {
  @ApiProperty({ format: 'date', description: 'The first day of the period (as used)' })
  date_from: string;
  @ApiProperty({ format: 'date', description: 'The last day of the period (as used)' })
  date_to: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) branch_id: string | null;
  @ApiProperty({
    type: [StageTurnaroundDto],
    description: 'One entry per stage, in workflow order (approved: until disbursed)',
  })
  stages: StageTurnaroundDto[];
  @ApiProperty({
    type: TurnaroundFiguresDto,
    description:
      'From the first submit to the decision (approved or rejected), for the applications ' +
      'decided in the period; open: applications now submitted or under review',
  })
  end_to_end: TurnaroundFiguresDto;
}
