import { Module } from '@nestjs/common';
import { SettingsModule } from '../settings/settings.module';
import { DashboardActivityController } from './dashboard-activity.controller';
import { DashboardActivityService } from './dashboard-activity.service';

/**
 * The dashboard (SPEC §7 "Dashboard"): read-only figures over the other modules' data, read
 * through the query functions and services those modules export (no SQL of its own).
 */
@Module({
  imports: [SettingsModule],
  controllers: [DashboardActivityController],
  providers: [DashboardActivityService],
})
export class DashboardModule {}
