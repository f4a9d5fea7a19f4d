import { Module } from '@nestjs/common';
import { SettingsModule } from '../settings/settings.module';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

/** Users (SPEC §7 "Users"); UsersService also serves the first-admin set-up of the auth module. */
@Module({
  imports: [SettingsModule],
  controllers: [UsersController],
  providers: [UsersService],
  exports: [UsersService],
})
export class UsersModule {}
