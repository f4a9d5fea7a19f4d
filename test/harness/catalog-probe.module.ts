/**
 * A test-only route whose body uses @InCatalog, to exercise the catalogue validator through
 * the real validation pipe (SPEC §3: catalogue values are checked against the settings).
 */
import { Body, Controller, Module, Post } from '@nestjs/common';
import { IsArray, IsOptional } from 'class-validator';
import { Public } from '../../src/common/auth/decorators';
import { InCatalog } from '../../src/settings/in-catalog';

class CatalogProbeDto {
  @InCatalog('product_types')
  product_type: string;

  @IsOptional()
  @IsArray()
  @InCatalog('loan_purposes', { each: true })
  loan_purposes?: string[];

  @IsOptional()
  @InCatalog('currencies')
  currency?: string;
}

@Controller('catalog-probe')
class CatalogProbeController {
  @Public()
  @Post()
  create(@Body() body: CatalogProbeDto): CatalogProbeDto {
    return body;
  }
}

@Module({ controllers: [CatalogProbeController] })
export class CatalogProbeModule {}
