import { Module } from '@nestjs/common';
import { SettingsModule } from '../settings/settings.module';
import { EnumsController } from './enums.controller';
import { EnumsService } from './enums.service';

/** The lists of values: the catalogues (settings) and the code enums. */
@Module({
  imports: [SettingsModule],
  controllers: [EnumsController],
  providers: [EnumsService],
  exports: [EnumsService],
})
export class EnumsModule {}
