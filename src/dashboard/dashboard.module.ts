import { type DynamicModule, Module } from '@nestjs/common';
import type { ModuleImport } from '../common/module-import';
import { SettingsModule } from '../settings/settings.module';
import { DashboardActivityController } from './dashboard-activity.controller';
import { DashboardActivityService } from './dashboard-activity.service';
import { DashboardPipelineController } from './dashboard-pipeline.controller';
import { DashboardPipelineService } from './dashboard-pipeline.service';
import { DashboardStatsController } from './dashboard-stats.controller';
import { DashboardStatsService } from './dashboard-stats.service';

/**
 * The dashboard (SPEC §7 "Dashboard"): read-only figures over the other modules' data, read
 * through the services and query functions those modules export (no SQL of its own).
 */
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
      imports: [...options.imports, SettingsModule],
      controllers: [
        DashboardStatsController,
        DashboardPipelineController,
        DashboardActivityController,
      ],
      providers: [DashboardStatsService, DashboardPipelineService, DashboardActivityService],
    };
  }
}
