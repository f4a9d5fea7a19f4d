import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { CUSTOMER_APPLICATIONS } from '../customers/customer-applications';
import { EnumsModule } from '../enums/enums.module';
import { ApplicationsForCustomers } from './applications-for-customers';
import { ApplicationReadsController } from './reads/application-reads.controller';
import { ApplicationExportService } from './reads/application-export.service';
import { ApplicationReadsService } from './reads/application-reads.service';
import { ApplicationStatsService } from './reads/application-stats.service';
import { ApplicationWorkflowController } from './lifecycle/application-workflow.controller';
import { ApplicationReassignment } from './lifecycle/application-reassignment.service';
import { ApplicationWorkflowService } from './lifecycle/application-workflow.service';
import { ReviewerAssignment } from './lifecycle/reviewer-assignment';
import { ApplicationsController } from './records/applications.controller';
import { ApplicationsService } from './records/applications.service';

/** Loan applications (SPEC §5-7): records, their lifecycle, and the read views. */
@Module({
  imports: [EnumsModule],
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
  ],
  exports: [ApplicationsService],
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
 * What customers ask of applications (CUSTOMER_APPLICATIONS), for CustomersModule.forRoot. A
 * module of its own: it needs nothing of customers, while ApplicationsModule imports them.
 */
@Module({
  providers: [
    ApplicationsForCustomers,
    { provide: CUSTOMER_APPLICATIONS, useExisting: ApplicationsForCustomers },
  ],
  exports: [CUSTOMER_APPLICATIONS],
})
export class ApplicationsForCustomersModule {}
