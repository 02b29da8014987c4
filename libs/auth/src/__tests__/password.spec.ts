import { hashPassword, passwordProblem, verifyPassword } from '../password.js';

describe('password policy', () => {
  it('refuses short, common and e-mail-derived passwords and accepts a long unusual one', () => {
    expect(passwordProblem('kurz')).toBe('too-short');
    expect(passwordProblem('passwort1234')).toBe('common');
    expect(passwordProblem('1234567890123')).toBe('common');
    expect(passwordProblem('anna.schmidt-Rathaus', 'anna.schmidt@stadt.de')).toBe('contains-email');
    expect(passwordProblem('Ratsbeschluss im Mai 2027')).toBeNull();
  });

  it('hashes with argon2id and verifies only the right password', async () => {
    const hash = await hashPassword('Ratsbeschluss im Mai 2027');
    expect(hash).toMatch(/^\$argon2id\$/);
    await expect(verifyPassword(hash, 'Ratsbeschluss im Mai 2027')).resolves.toBe(true);
    await expect(verifyPassword(hash, 'Ratsbeschluss im Mai 2028')).resolves.toBe(false);
    await expect(verifyPassword(null, 'Ratsbeschluss im Mai 2027')).resolves.toBe(false);
  });
});
