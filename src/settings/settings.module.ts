import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { InCatalogConstraint } from './in-catalog';
import { Setting } from './setting.entity';
import { SettingsCache } from './settings-cache';
import { SettingsController } from './settings.controller';
import { SettingsService } from './settings.service';

/**
 * Settings (SPEC §7): imported by every module that reads them through SettingsService. Also
 * provides the constraint behind `@InCatalog()`, which class-validator resolves through Nest
 * (see configureApp).
 */
@Module({
  imports: [TypeOrmModule.forFeature([Setting])],
  controllers: [SettingsController],
  providers: [SettingsCache, SettingsService, InCatalogConstraint],
  exports: [SettingsService],
})
export class SettingsModule {}
