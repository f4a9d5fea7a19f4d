import { ApiProperty, ApiSchema } from '@nestjs/swagger';

const count = (description: string) => ({ type: 'integer', minimum: 0, description }) as const;
const inStatus = (status: string) => count(`Applications in status \`${status}\``);

/** Applications in the caller's scope: each figure is the `total` of a `GET /applications`. */
@ApiSchema({ name: 'DashboardApplicationFigures' })
export class DashboardApplicationFiguresDto {
  @ApiProperty(count('Every application in your scope')) total: number;
  @ApiProperty(inStatus('draft')) draft: number;
  @ApiProperty(inStatus('submitted')) submitted: number;
  @ApiProperty(inStatus('initial_review')) initial_review: number;
  @ApiProperty(inStatus('credit_check')) credit_check: number;
  @ApiProperty(inStatus('approval_pending')) approval_pending: number;
  @ApiProperty(inStatus('approved')) approved: number;
  @ApiProperty(inStatus('rejected')) rejected: number;
  @ApiProperty(inStatus('disbursed')) disbursed: number;
  @ApiProperty(inStatus('completed')) completed: number;
  @ApiProperty(inStatus('withdrawn')) withdrawn: number;
  @ApiProperty(count('initial_review + credit_check + approval_pending')) under_review: number;
  @ApiProperty(count('submitted + under_review')) pending: number;
}

/** `GET /users/stats` of the same caller, by role flattened. */
@ApiSchema({ name: 'DashboardUserFigures' })
export class DashboardUserFiguresDto {
  @ApiProperty(count('Users in your users scope')) total: number;
  @ApiProperty(count('Active users')) active: number;
  @ApiProperty(count('Inactive users')) inactive: number;
  @ApiProperty(count('Users of role admin')) admins: number;
  @ApiProperty(count('Users of role manager')) managers: number;
  @ApiProperty(count('Users of role officer')) officers: number;
  @ApiProperty(count('Users of role viewer')) viewers: number;
}

@ApiSchema({ name: 'DashboardUnitFigures' })
export class DashboardUnitFiguresDto {
  @ApiProperty(count('Every unit of the organisation (not scoped)')) total: number;
  @ApiProperty(count('Units with is_active')) active: number;
}

@ApiSchema({ name: 'DashboardFileFigures' })
export class DashboardFileFiguresDto {
  @ApiProperty(count('Documents of applications in your scope, and your unattached uploads'))
  total: number;
  @ApiProperty(count('Their size in bytes')) total_size: number;
}

@ApiSchema({ name: 'DashboardQueue' })
export class DashboardQueueDto {
  @ApiProperty(
    count('Applications in initial_review, credit_check or approval_pending assigned to you'),
  )
  assigned_to_me: number;
  @ApiProperty(count('Your drafts that were returned for changes (submitted before)'))
  returned_to_me: number;
}

/** `GET /dashboard/stats`: every group is always present. */
@ApiSchema({ name: 'DashboardStats' })
export class DashboardStatsDto {
  @ApiProperty({ type: DashboardApplicationFiguresDto })
  applications: DashboardApplicationFiguresDto;
  @ApiProperty({ type: DashboardUserFiguresDto }) users: DashboardUserFiguresDto;
  @ApiProperty({ type: DashboardUnitFiguresDto }) departments: DashboardUnitFiguresDto;
  @ApiProperty({ type: DashboardUnitFiguresDto }) branches: DashboardUnitFiguresDto;
  @ApiProperty({ type: DashboardFileFiguresDto }) files: DashboardFileFiguresDto;
  @ApiProperty({ type: DashboardQueueDto }) my_queue: DashboardQueueDto;
}
