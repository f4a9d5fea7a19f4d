import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { EnumsModule } from '../enums/enums.module';
import { SettingsModule } from '../settings/settings.module';
import { ApplicationReadsController } from './application-reads.controller';
import { ApplicationReadsService } from './application-reads.service';
import { ApplicationWorkflowController } from './application-workflow.controller';
import { ApplicationWorkflowService } from './application-workflow.service';
import { ApplicationsController } from './applications.controller';
import { ApplicationsService } from './applications.service';

/** Loan applications (SPEC §5-7): records, their lifecycle, and the read views. */
@Module({
  imports: [CustomersModule, EnumsModule, SettingsModule],
  // The read views' fixed paths (cards, stats, ...) come before `:id`.
  controllers: [ApplicationReadsController, ApplicationsController, ApplicationWorkflowController],
  providers: [ApplicationsService, ApplicationWorkflowService, ApplicationReadsService],
  exports: [ApplicationsService],
})
export class ApplicationsModule {}
