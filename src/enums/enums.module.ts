import { Module } from '@nestjs/common';
import { InCatalogConstraint } from '../common/validation/in-catalog';
import { EnumsController } from './enums.controller';
import { EnumsService } from './enums.service';

/**
 * The lists of values (catalogues and code enums). Also provides the constraint behind
 * `@InCatalog()`, which class-validator resolves through Nest (see configureApp).
 */
@Module({
  controllers: [EnumsController],
  providers: [EnumsService, InCatalogConstraint],
  exports: [EnumsService],
})
export class EnumsModule {}
