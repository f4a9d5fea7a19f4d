import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { ApplicationWorkflowController } from './application-workflow.controller';
import { ApplicationWorkflowService } from './application-workflow.service';
import { ApplicationsController } from './applications.controller';
import { ApplicationsService } from './applications.service';

/** Loan applications (SPEC §5-7): records, their lifecycle, and the read views. */
@Module({
  imports: [CustomersModule],
  // The read views' fixed paths (cards, stats, ...) come before `:id`.
  controllers: [ApplicationsController, ApplicationWorkflowController],
  providers: [ApplicationsService, ApplicationWorkflowService],
  exports: [ApplicationsService],
})
export class ApplicationsModule {}
