import argon2 from 'argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/**
 * 49 000 passwords seen most often in leaks (German ones among them), from zxcvbn-ts's common
 * dictionary — a maintained list instead of one copied into the repository.
 */
const COMMON_PASSWORDS = new Set((dictionary['passwords-common'] as string[]).map((password) => password.toLowerCase()));

/** Counting up or down on the keyboard's number row. */
const DIGIT_RUNS = `${'1234567890'.repeat(4)} ${'0987654321'.repeat(4)}`;

export type PasswordProblem = 'too-short' | 'too-long' | 'common' | 'contains-email';

/** What is wrong with a new password, or null if it may be used. */
export function passwordProblem(password: string, email?: string): PasswordProblem | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return 'too-short';
  if (length > PASSWORD_MAX_LENGTH) return 'too-long';
  const lower = password.toLowerCase();
  const stem = lower.replace(/[\d!?.]+$/, '');
  if (COMMON_PASSWORDS.has(lower) || COMMON_PASSWORDS.has(stem) || /^(.)\1+$/.test(lower) || DIGIT_RUNS.includes(lower)) return 'common';
  const localPart = email?.toLowerCase().split('@')[0];
  if (localPart && localPart.length >= 4 && lower.includes(localPart)) return 'contains-email';
  return null;
}

export const PASSWORD_PROBLEM_TEXT: Record<PasswordProblem, { de: string; en: string }> = {
  'too-short': { de: `Das Passwort muss mindestens ${PASSWORD_MIN_LENGTH} Zeichen lang sein.`, en: `The password must be at least ${PASSWORD_MIN_LENGTH} characters long.` },
  'too-long': { de: `Das Passwort darf höchstens ${PASSWORD_MAX_LENGTH} Zeichen lang sein.`, en: `The password must be at most ${PASSWORD_MAX_LENGTH} characters long.` },
  common: { de: 'Dieses Passwort ist zu verbreitet; bitte ein anderes wählen.', en: 'This password is too common; please choose another one.' },
  'contains-email': { de: 'Das Passwort darf die E-Mail-Adresse nicht enthalten.', en: 'The password must not contain the e-mail address.' },
};

/** argon2id with the library's defaults (64 MiB, 3 passes, 4 lanes: above OWASP's minimum). */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

/** A hash of a password nobody knows: verified against when the account does not exist, so both take as long. */
const DUMMY_HASH = hashPassword('ratsweg-no-such-account-' + Math.random());

/** True if `password` matches `hash`; with no hash the same work is done and false returned. */
export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (!hash) {
    await argon2.verify(await DUMMY_HASH, password).catch(() => false);
    return false;
  }
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}
