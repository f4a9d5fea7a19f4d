import { type DynamicModule, Module } from '@nestjs/common';
import type { ModuleImport } from '../common/module-import';
import { DashboardPipelineController } from './dashboard-pipeline.controller';
import { DashboardPipelineService } from './dashboard-pipeline.service';

/** The dashboard (SPEC §7 "Dashboard"): figures read through the modules that own the data. */
@Module({})
export class DashboardModule {
  /**
   * `imports`: the modules whose read-only providers the dashboard asks, as the app wires them
   * (ApplicationsModule.forRoot's instance, which exports ApplicationPipeline).
   */
  static forRoot(options: { imports: ModuleImport[] }): DynamicModule {
    return {
      module: DashboardModule,
      imports: options.imports,
      controllers: [DashboardPipelineController],
      providers: [DashboardPipelineService],
    };
  }
}
