import { type DynamicModule, Module } from '@nestjs/common';
import type { ModuleImport } from '../common/module-import';
import { DashboardPipelineController } from './dashboard-pipeline.controller';
import { DashboardPipelineService } from './dashboard-pipeline.service';
import { DashboardStatsController } from './dashboard-stats.controller';
import { DashboardStatsService } from './dashboard-stats.service';

/** The dashboard (SPEC §7 "Dashboard"): figures read through the modules that own the data. */
@Module({})
export class DashboardModule {
  /**
   * `imports`: the module instances the app wires (ApplicationsModule.forRoot, the users,
   * departments and branches modules of identityModules(), FilesModule), whose exported
   * services and read-only queries the dashboard reads.
   */
  static forRoot(options: { imports: ModuleImport[] }): DynamicModule {
    return {
      module: DashboardModule,
      imports: options.imports,
      controllers: [DashboardStatsController, DashboardPipelineController],
      providers: [DashboardStatsService, DashboardPipelineService],
    };
  }
}
