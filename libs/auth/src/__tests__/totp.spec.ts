import { newTotpSecret, totpCode, verifyTotp } from '../totp.js';

describe('TOTP', () => {
  it('accepts the current code and one step of drift, and refuses older codes and garbage', () => {
    const { secret, uri } = newTotpSecret('anna@stadt.de');
    expect(uri).toMatch(/^otpauth:\/\/totp\/Ratsweg:anna%40stadt\.de\?/);
    const now = Date.UTC(2027, 4, 3, 10, 0, 15);
    const step = Math.floor(now / 30_000);
    expect(verifyTotp(secret, totpCode(secret, now), now)).toBe(step);
    expect(verifyTotp(secret, totpCode(secret, now - 30_000), now)).toBe(step - 1);
    expect(verifyTotp(secret, totpCode(secret, now - 120_000), now)).toBeNull();
    expect(verifyTotp(secret, 'abcdef', now)).toBeNull();
  });
});
