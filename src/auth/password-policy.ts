import { dictionary } from '@zxcvbn-ts/language-common';
import { MIN_PASSWORD_LENGTH } from './passwords.js';

/**
 * The password policy (NIST SP 800-63B): long enough, and not one of the passwords attackers try
 * first. The list is the ~49,000 most common passwords of public breach corpora that
 * @zxcvbn-ts/language-common ships (offline: nothing is sent anywhere). No composition rules: they
 * make passwords harder to remember, not harder to guess.
 */

const common = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));

// Why: docs/decisions/0012-password-policy.md
export function passwordProblem(password: string, username?: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > 1024) return 'at most 1024 characters';
  const lower = password.toLowerCase();
  if (common.has(lower)) return 'is one of the most common passwords found in breaches; choose another';
  if (new Set(lower).size < 4) return 'uses too few different characters';
  if (username && lower.includes(username.toLowerCase())) return 'must not contain the user name';
  return undefined;
}
