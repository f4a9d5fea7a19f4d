import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Setting } from './setting.entity';
import { SettingsCache } from './settings-cache';
import { SettingsController } from './settings.controller';
import { SettingsService } from './settings.service';

/** Global: every module reads its settings through SettingsService. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Setting])],
  controllers: [SettingsController],
  providers: [SettingsCache, SettingsService],
  exports: [SettingsService],
})
export class SettingsModule {}
