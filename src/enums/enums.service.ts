import { Injectable } from '@nestjs/common';
import { SettingsService } from '../settings/settings.service';
import {
  type AllEnums,
  allEnums,
  type ApplicationEnumOptions,
  applicationEnumOptions,
  copyOptions,
  type EnumOption,
  LOAN_STATUSES,
} from './code-enums';

/**
 * The lists clients fill their pickers with. Catalogues are read through SettingsService
 * (cached, invalidated on every change), so an admin's edit shows at once.
 */
@Injectable()
export class EnumsService {
  constructor(private readonly settings: SettingsService) {}

  idCardTypes(): Promise<EnumOption[]> {
    return this.settings.catalog('id_card_types');
  }

  loanPurposes(): Promise<EnumOption[]> {
    return this.settings.catalog('loan_purposes');
  }

  productTypes(): Promise<EnumOption[]> {
    return this.settings.catalog('product_types');
  }

  loanStatuses(): EnumOption[] {
    return copyOptions(LOAN_STATUSES);
  }

  async all(): Promise<AllEnums> {
    const [idCardTypes, loanPurposes, productTypes, loanTerms, documentTypes, currencies] =
      await Promise.all([
        this.settings.catalog('id_card_types'),
        this.settings.catalog('loan_purposes'),
        this.settings.catalog('product_types'),
        this.settings.catalog('loan_terms'),
        this.settings.catalog('document_types'),
        this.settings.catalog('currencies'),
      ]);
    return allEnums({
      idCardTypes,
      loanPurposes,
      productTypes,
      loanTerms,
      documentTypes,
      currencies,
    });
  }

  /** The snake_case lists of `GET /applications/enums/options`. */
  async applicationOptions(): Promise<ApplicationEnumOptions> {
    return applicationEnumOptions(await this.all());
  }
}
