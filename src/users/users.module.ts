import { type DynamicModule, Module } from '@nestjs/common';
import type { ModuleImport } from '../common/module-import';
import { CredentialsModule } from '../credentials/credentials.module';
import { SettingsModule } from '../settings/settings.module';
import { UserReferences } from './user-references';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

/** Users (SPEC §7 "Users"); UsersService also serves the first-admin set-up of the auth module. */
@Module({})
export class UsersModule {
  /**
   * `imports`: the modules that provide the tokens of units-for-users.ts (departments,
   * branches, positions) and records-naming-user.ts (applications, customers, folders,
   * files); app.module.ts wires them.
   */
  static forRoot(providers: { imports: ModuleImport[] }): DynamicModule {
    return {
      module: UsersModule,
      imports: [SettingsModule, CredentialsModule, ...providers.imports],
      controllers: [UsersController],
      providers: [UsersService, UserReferences],
      exports: [UsersService],
    };
  }
}
