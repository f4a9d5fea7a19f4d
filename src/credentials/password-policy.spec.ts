import { DEFAULT_PASSWORD_RULES, passwordProblems } from './password-policy';

describe('passwordProblems', () => {
  it('accepts a password that meets the default rules', () => {
    expect(passwordProblems('Str0ngpass', DEFAULT_PASSWORD_RULES)).toEqual([]);
  });

  it('names each unmet default rule', () => {
    expect(passwordProblems('short', DEFAULT_PASSWORD_RULES)).toEqual([
      'must be at least 8 characters long',
      'must contain an upper-case letter',
      'must contain a digit',
    ]);
    expect(passwordProblems('ALLUPPER123', DEFAULT_PASSWORD_RULES)).toEqual([
      'must contain a lower-case letter',
    ]);
  });

  it('follows the rules given (settings)', () => {
    const rules = {
      minLength: 12,
      requireUppercase: false,
      requireNumbers: false,
      requireSpecial: true,
    };
    expect(passwordProblems('lowercaseonly', rules)).toEqual(['must contain a special character']);
    expect(passwordProblems('short!', rules)).toEqual(['must be at least 12 characters long']);
  });

  it('refuses more than 72 bytes (bcrypt would ignore the rest)', () => {
    expect(passwordProblems(`Aa1${'é'.repeat(35)}`, DEFAULT_PASSWORD_RULES)).toEqual([
      'must be at most 72 bytes long',
    ]);
  });
});
