/** Password rules (settings keys of SPEC §7 Settings; these are their defaults). */
export interface PasswordRules {
  minLength: number;
  requireUppercase: boolean;
  requireNumbers: boolean;
  requireSpecial: boolean;
}

export const DEFAULT_PASSWORD_RULES: PasswordRules = {
  minLength: 8,
  requireUppercase: true,
  requireNumbers: true,
  requireSpecial: false,
};

/** bcrypt reads at most 72 bytes; a longer password would be silently truncated. */
export const MAX_PASSWORD_BYTES = 72;

/** What is wrong with a password, as readable sentences; empty when it is acceptable. */
export function passwordProblems(password: string, rules: PasswordRules): string[] {
  const problems: string[] = [];
  if (password.length < rules.minLength) {
    problems.push(`must be at least ${rules.minLength} characters long`);
  }
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    problems.push(`must be at most ${MAX_PASSWORD_BYTES} bytes long`);
  }
  if (rules.requireUppercase && !/[A-Z]/.test(password)) {
    problems.push('must contain an upper-case letter');
  }
  if (rules.requireUppercase && !/[a-z]/.test(password)) {
    problems.push('must contain a lower-case letter');
  }
  if (rules.requireNumbers && !/[0-9]/.test(password)) problems.push('must contain a digit');
  if (rules.requireSpecial && !/[^A-Za-z0-9]/.test(password)) {
    problems.push('must contain a special character');
  }
  return problems;
}
