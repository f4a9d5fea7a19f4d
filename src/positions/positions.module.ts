import { Module } from '@nestjs/common';
import { POSITIONS_FOR_USERS } from '../users/units-for-users';
import { PositionsController } from './positions.controller';
import { PositionsForUsers } from './positions-for-users';
import { PositionsService } from './positions.service';

@Module({
  controllers: [PositionsController],
  providers: [
    PositionsService,
    PositionsForUsers,
    { provide: POSITIONS_FOR_USERS, useExisting: PositionsForUsers },
  ],
  exports: [POSITIONS_FOR_USERS],
})
export class PositionsModule {}
