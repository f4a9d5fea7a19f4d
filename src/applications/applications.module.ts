import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { CUSTOMER_APPLICATIONS } from '../customers/customer-applications';
import { EnumsModule } from '../enums/enums.module';
import { APPLICATIONS_IN_UNITS } from '../org-units/records-in-unit';
import { SettingsModule } from '../settings/settings.module';
import { APPLICATIONS_NAMING_USER } from '../users/records-naming-user';
import { ApplicationsForCustomers } from './applications-for-customers';
import { ApplicationsForOrganisation } from './applications-for-organisation';
import { ApplicationsForUsers } from './applications-for-users';
import { ApplicationReassignment } from './lifecycle/application-reassignment.service';
import { ApplicationWorkflowController } from './lifecycle/application-workflow.controller';
import { ApplicationWorkflowService } from './lifecycle/application-workflow.service';
import { ReviewerAssignment } from './lifecycle/reviewer-assignment';
import { ApplicationDashboardStats } from './reads/application-dashboard-stats';
import { ApplicationExportService } from './reads/application-export.service';
import { ApplicationPipeline } from './reads/application-pipeline';
import { ApplicationReadsController } from './reads/application-reads.controller';
import { ApplicationReadsService } from './reads/application-reads.service';
import { ApplicationStatsService } from './reads/application-stats.service';
import { ApplicationsController } from './records/applications.controller';
import { ApplicationsService } from './records/applications.service';

/** Loan applications (SPEC §5-7): records, their lifecycle, and the read views. */
@Module({
  imports: [EnumsModule, SettingsModule],
  // The read views' fixed paths (cards, stats, ...) come before `:id`.
  controllers: [ApplicationReadsController, ApplicationsController, ApplicationWorkflowController],
  providers: [
    ApplicationsService,
    ApplicationWorkflowService,
    ReviewerAssignment,
    ApplicationReassignment,
    ApplicationReadsService,
    ApplicationStatsService,
    ApplicationExportService,
    ApplicationDashboardStats,
    ApplicationPipeline,
  ],
  exports: [ApplicationsService, ApplicationDashboardStats, ApplicationPipeline],
})
export class ApplicationsModule {
  /**
   * `imports`: the customers module as the app wires it (CustomersModule.forRoot: one instance
   * for its routes and for applications, which link customers), and the modules that provide
   * what applications ask of the documents (APPLICATION_FOLDERS and APPLICATION_FILES,
   * application-documents.ts): FoldersModule and FilesModule, which applications do not import
   * themselves.
   */
  static forRoot(options: { imports: NonNullable<ModuleMetadata['imports']> }): DynamicModule {
    return { module: ApplicationsModule, imports: options.imports };
  }
}

/**
 * What the modules below applications ask of it through the tokens they declare (customers'
 * customer-applications.ts, org-units' records-in-unit.ts, users' records-naming-user.ts):
 * read-only queries and no routes, in a module of its own that needs nothing of theirs (while
 * ApplicationsModule imports customers), so that they (and the CLI) get the answers without the
 * whole module.
 */
@Module({
  providers: [
    ApplicationsForCustomers,
    ApplicationsForOrganisation,
    ApplicationsForUsers,
    { provide: CUSTOMER_APPLICATIONS, useExisting: ApplicationsForCustomers },
    { provide: APPLICATIONS_IN_UNITS, useExisting: ApplicationsForOrganisation },
    { provide: APPLICATIONS_NAMING_USER, useExisting: ApplicationsForUsers },
  ],
  exports: [CUSTOMER_APPLICATIONS, APPLICATIONS_IN_UNITS, APPLICATIONS_NAMING_USER],
})
export class ApplicationLookupsModule {}
