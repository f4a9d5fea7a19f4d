import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { DateField, field, MoneyField, TextField, UuidField } from '../../common/http/fields';
import { CatalogField } from '../../settings/in-catalog';
import { PRIORITY_LEVELS } from '../../enums/code-enums';
import { InterestRateField } from './application-content.dto';

const PRIORITIES = PRIORITY_LEVELS.map((level) => level.value);

/** Bodies of the workflow routes (SPEC §6, §7). Every one may be empty unless it says so. */
export class CommentBody {
  @TextField('nullable', 2000, { description: 'Kept in the audit event.' })
  comment?: string | null;
}

export class AssignReviewerBody extends CommentBody {
  @UuidField(
    'nullable',
    'The reviewer: an active manager or admin who can see the application (also accepted as a query parameter).',
  )
  reviewer_id?: string | null;
}

export class AssessRiskBody {
  @TextField('nullable', 5000) assessment_notes?: string | null;
}

export class ApproveBody extends CommentBody {
  @MoneyField('nullable', { positive: true })
  approved_amount?: string | null;
  @InterestRateField() approved_interest_rate?: string | null;
  @CatalogField('nullable', 'loan_terms', '12_months') approved_loan_term?: string | null;
}

export class RejectBody {
  @TextField('required', 2000, { description: 'Why the application is rejected.' })
  rejection_reason: string;
}

export class ReturnBody {
  @TextField('required', 2000, { description: 'What the officer must change.' }) reason: string;
}

export class WithdrawBody {
  @TextField('nullable', 2000) reason?: string | null;
}

export class DisburseBody extends CommentBody {
  @DateField('nullable', { description: 'Default: today in the `timezone` setting.' })
  loan_start_date?: string | null;
}

export class PriorityBody {
  @field(
    'nullable',
    { enum: PRIORITIES, description: 'Also accepted as a query parameter.' },
    IsIn(PRIORITIES, { message: `must be one of ${PRIORITIES.join(', ')}` }),
  )
  priority_level?: string | null;
}

export class ReassignBody {
  @UuidField('required', 'The officer whose open applications move.') from_user_id: string;
  @UuidField('required', 'An active officer in your scope who takes them over.')
  to_user_id: string;
}

export class ReassignResult {
  @ApiProperty() moved: number;
  @ApiProperty({ type: [String], format: 'uuid' }) application_ids: string[];
}
