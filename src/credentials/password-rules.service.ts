import { Injectable } from '@nestjs/common';
import { SettingsService } from '../settings/settings.service';
import type { PasswordRules } from './password-policy';

/**
 * The password rules in force: the settings `password_min_length`,
 * `password_require_uppercase`, `password_require_numbers` and `password_require_special`.
 */
@Injectable()
export class PasswordRulesService {
  constructor(private readonly settings: SettingsService) {}

  async current(): Promise<PasswordRules> {
    const [minLength, requireUppercase, requireNumbers, requireSpecial] = await Promise.all([
      this.settings.get('password_min_length'),
      this.settings.get('password_require_uppercase'),
      this.settings.get('password_require_numbers'),
      this.settings.get('password_require_special'),
    ]);
    return { minLength, requireUppercase, requireNumbers, requireSpecial };
  }
}
