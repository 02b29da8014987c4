import { renderNotification, type NotificationContext } from '../notification-content.js';

const base: NotificationContext = {
  kind: 'reminder.due',
  locale: 'de',
  round: { id: 'r1', title: 'Digitale Agenda <2030>' },
  stage: { key: 'fachausschuss', type: 'committee_consultation', title: { de: 'Beratung im Fachausschuss', en: 'Committee deliberation' } },
  deadline: '2026-03-24T16:00:00Z',
  link: 'https://ratsweg.example/rounds/r1',
};

describe('renderNotification', () => {
  it('should write a German reminder with the deadline in local time and a link to act', () => {
    const content = renderNotification(base);
    expect(content.subject).toBe('Erinnerung: Frist für Beratung im Fachausschuss endet Dienstag, 24. März 2026, 17:00 Uhr');
    expect(content.text).toContain('Die Frist für „Beratung im Fachausschuss“ endet am Dienstag, 24. März 2026, 17:00 Uhr.');
    expect(content.text).toContain('Zum Vorgang: https://ratsweg.example/rounds/r1');
    expect(content.html).toContain('href="https://ratsweg.example/rounds/r1"');
  });

  it('should write English when the recipient prefers it, with summer time applied', () => {
    const content = renderNotification({ ...base, locale: 'en', deadline: '2026-04-14T16:00:00Z' });
    expect(content.subject).toBe('Reminder: deadline for Committee deliberation is Tuesday 14 April 2026, 18:00 (Berlin time)');
  });

  it('should escape HTML in titles', () => {
    const content = renderNotification(base);
    expect(content.html).toContain('Digitale Agenda &lt;2030&gt;');
    expect(content.html).not.toContain('<2030>');
  });

  it('should report the number of comments when a public consultation closes', () => {
    const content = renderNotification({
      ...base,
      kind: 'stage.closed',
      stage: { key: 'online', type: 'public_consultation', title: { de: 'Online-Diskussion', en: 'Online discussion' } },
      outcome: 'completed',
      comments: { visible: 40, hidden: 2 },
    });
    expect(content.subject).toBe('Öffentliche Beteiligung beendet: Digitale Agenda <2030>');
    expect(content.text).toContain('Eingegangene Stellungnahmen: 42 (öffentlich sichtbar: 40, ausgeblendet: 2).');
    const english = renderNotification({
      ...base,
      locale: 'en',
      kind: 'stage.decided',
      stage: { key: 'online', type: 'public_consultation', title: { de: 'Online-Diskussion', en: 'Online discussion' } },
      outcome: 'completed',
      comments: { visible: 0, hidden: 0 },
    });
    expect(english.subject).toBe('Public consultation closed: Digitale Agenda <2030>');
    expect(english.text).toContain('Comments received: 0 (publicly visible: 0, hidden: 0).');
  });

  it('should name the notice period in a meeting invitation', () => {
    const content = renderNotification({ ...base, kind: 'meeting.invitation', meeting: { start: '2026-03-24T16:00:00Z', invitationDeadline: '2026-03-16T22:59:59.999Z' } });
    expect(content.text).toContain('Ladungsfrist: Die Einladung ist bis Montag, 16. März 2026, 23:59 Uhr zu versenden.');
  });
});
