import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { EnumsModule } from '../enums/enums.module';
import { APPLICATIONS_IN_UNITS } from '../org-units/records-in-unit';
import { SettingsModule } from '../settings/settings.module';
import { APPLICATIONS_NAMING_USER } from '../users/records-naming-user';
import { ApplicationReadsController } from './application-reads.controller';
import { ApplicationReadsService } from './application-reads.service';
import { ApplicationWorkflowController } from './application-workflow.controller';
import { ApplicationWorkflowService } from './application-workflow.service';
import { ApplicationsController } from './applications.controller';
import { ApplicationsService } from './applications.service';
import { ApplicationsForOrganisation } from './applications-for-organisation';
import { ApplicationsForUsers } from './applications-for-users';

/** Loan applications (SPEC §5-7): records, their lifecycle, and the read views. */
@Module({
  imports: [CustomersModule, EnumsModule, SettingsModule],
  // The read views' fixed paths (cards, stats, ...) come before `:id`.
  controllers: [ApplicationReadsController, ApplicationsController, ApplicationWorkflowController],
  providers: [ApplicationsService, ApplicationWorkflowService, ApplicationReadsService],
  exports: [ApplicationsService],
})
export class ApplicationsModule {}

/**
 * What the modules below applications ask of it through their tokens (org-units'
 * records-in-unit.ts, users' records-naming-user.ts): read-only queries, no routes, so that
 * they (and the CLI) get the answers without the whole module.
 */
@Module({
  providers: [
    ApplicationsForOrganisation,
    ApplicationsForUsers,
    { provide: APPLICATIONS_IN_UNITS, useExisting: ApplicationsForOrganisation },
    { provide: APPLICATIONS_NAMING_USER, useExisting: ApplicationsForUsers },
  ],
  exports: [APPLICATIONS_IN_UNITS, APPLICATIONS_NAMING_USER],
})
export class ApplicationLookupsModule {}
