import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { EnumsModule } from '../enums/enums.module';
import { ApplicationReadsController } from './reads/application-reads.controller';
import { ApplicationReadsService } from './reads/application-reads.service';
import { ApplicationWorkflowController } from './lifecycle/application-workflow.controller';
import { ApplicationReassignment } from './lifecycle/application-reassignment.service';
import { ApplicationWorkflowService } from './lifecycle/application-workflow.service';
import { ReviewerAssignment } from './lifecycle/reviewer-assignment';
import { ApplicationsController } from './records/applications.controller';
import { ApplicationsService } from './records/applications.service';

/** Loan applications (SPEC §5-7): records, their lifecycle, and the read views. */
@Module({
  imports: [CustomersModule, EnumsModule],
  // The read views' fixed paths (cards, stats, ...) come before `:id`.
  controllers: [ApplicationReadsController, ApplicationsController, ApplicationWorkflowController],
  providers: [
    ApplicationsService,
    ApplicationWorkflowService,
    ReviewerAssignment,
    ApplicationReassignment,
    ApplicationReadsService,
  ],
  exports: [ApplicationsService],
})
export class ApplicationsModule {
  /**
   * `imports`: the modules that provide what applications ask of the documents modules
   * (APPLICATION_FOLDERS and APPLICATION_FILES, application-documents.ts): FoldersModule and
   * FilesModule, which applications do not import themselves (app.module.ts wires them).
   */
  static forRoot(options: { imports: NonNullable<ModuleMetadata['imports']> }): DynamicModule {
    return { module: ApplicationsModule, imports: options.imports };
  }
}
