import { Injectable } from '@nestjs/common';
import { DEFAULT_PASSWORD_RULES, type PasswordRules } from './password-policy';

/**
 * The password rules in force. They come from the settings keys `password_min_length`,
 * `password_require_uppercase`, `password_require_numbers` and `password_require_special`;
 * until the settings module reads them, these are their defaults.
 */
@Injectable()
export class PasswordRulesService {
  async current(): Promise<PasswordRules> {
    return DEFAULT_PASSWORD_RULES;
  }
}
