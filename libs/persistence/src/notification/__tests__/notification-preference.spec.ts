import { digestSendAt, isOptedOut, nextDigestAt, type NotificationPreference } from '../notification-preference.repository.js';

const preference = (overrides: Partial<NotificationPreference>): NotificationPreference => ({
  deliveryMode: 'immediate',
  optedOutKinds: [],
  calendarToken: null,
  modifiedAt: null,
  ...overrides,
});

describe('nextDigestAt', () => {
  it('should be 07:00 Berlin the same day when it is earlier', () => {
    expect(nextDigestAt(new Date('2026-01-15T05:59:00Z')).toISOString()).toBe('2026-01-15T06:00:00.000Z');
  });

  it('should be 07:00 Berlin the next day when it is 07:00 or later', () => {
    expect(nextDigestAt(new Date('2026-01-15T06:00:00Z')).toISOString()).toBe('2026-01-16T06:00:00.000Z');
  });

  it('should keep 07:00 wall-clock time when summer time starts overnight', () => {
    expect(nextDigestAt(new Date('2026-03-28T12:00:00Z')).toISOString()).toBe('2026-03-29T05:00:00.000Z');
  });
});

describe('isOptedOut and digestSendAt', () => {
  const now = new Date('2026-01-15T12:00:00Z');

  it('should skip only the e-mail when the person opted out of the kind', () => {
    const optedOut = preference({ optedOutKinds: ['reminder.due'] });
    expect(isOptedOut(optedOut, 'reminder.due', 'email')).toBe(true);
    expect(isOptedOut(optedOut, 'reminder.due', 'inbox')).toBe(false);
    expect(isOptedOut(optedOut, 'stage.opened', 'email')).toBe(false);
    expect(isOptedOut(undefined, 'reminder.due', 'email')).toBe(false);
  });

  it('should never skip an invitation when it is listed as opted out', () => {
    expect(isOptedOut(preference({ optedOutKinds: ['meeting.invitation'] }), 'meeting.invitation', 'email')).toBe(false);
  });

  it('should defer e-mails but not invitations or inbox entries when the person chose the digest', () => {
    const digest = preference({ deliveryMode: 'digest' });
    expect(digestSendAt(digest, 'reminder.due', 'email', now)?.toISOString()).toBe('2026-01-16T06:00:00.000Z');
    expect(digestSendAt(digest, 'meeting.invitation', 'email', now)).toBeUndefined();
    expect(digestSendAt(digest, 'reminder.due', 'inbox', now)).toBeUndefined();
    expect(digestSendAt(preference({}), 'reminder.due', 'email', now)).toBeUndefined();
  });
});
