import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CALLER_PASSWORD, createCallers, type Callers } from '../../api/test/support/callers.js';
import { roundWhen, startRound, uploadTemplate } from '../../api/test/support/rounds.js';
import { eventually, TestSystem } from '../../api/test/support/system.js';
import { checkPage, launchChromium, watchForProblems } from './support/browser.js';

/**
 * The politicians' pages in Debian's Chromium against the real API and worker: a committee member
 * sees the deadline and the notification of a round, marks it read, subscribes to the calendar feed,
 * switches to the daily digest and back; a round page updates by itself when a decision is made
 * elsewhere. axe-core's WCAG 2.1 AA rules on every page, desktop and phone.
 */
describe('the politicians’ pages in a browser', () => {
  const system = new TestSystem({ env: { AUTH_COOKIE_SECURE: 'false', NOTIFICATION_DISPATCH_INTERVAL_MS: '100' } });
  let browser: Browser;
  let callers: Callers;
  let memberEmail = '';
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  const watched: string[][] = [];

  const url = (path: string) => `${system.apiUrl}${path}`;

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'de-DE', timezoneId: 'Europe/Berlin' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: system.apiUrl });
    contexts.push(context);
    const page = await context.newPage();
    watched.push(watchForProblems(page));
    return page;
  }

  /** Signs in through the page; each role lands on its own page (administrators on the rounds). */
  async function signIn(page: Page, email: string, password: string, landing = 'Beteiligungsrunden'): Promise<void> {
    await page.goto(url('/'));
    await page.waitForURL(/\/anmelden/);
    await page.getByLabel('E-Mail-Adresse').fill(email);
    await page.getByLabel('Kennwort').fill(password);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.getByRole('heading', { level: 1, name: landing }).waitFor();
  }

  beforeAll(async () => {
    browser = await launchChromium();
    await system.start();
    callers = await createCallers(system, 'fachausschuss');
    memberEmail = (await system.request('GET', '/api/v1/me', undefined, { authorization: `Bearer ${callers.member}` })).body.email as string;
    // A committee statement due in seven days; the committee's members are told when it opens.
    await uploadTemplate(
      system,
      {
        key: 'test-politik',
        version: 1,
        title: { de: 'Stellungnahme', en: 'Statement' },
        stages: [
          {
            key: 'stellungnahme',
            type: 'committee_consultation',
            title: { de: 'Stellungnahme des Fachausschusses', en: 'Statement of the committee' },
            body: 'fachausschuss',
            deadline: { offset: 'P7D' },
            notify: { onOpen: ['responsible-body'] },
            outcomes: { approved: { to: 'end' }, rejected: { to: 'end' } },
          },
        ],
      },
      1,
    );
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await system.stop();
  });

  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
    expect([...problems.splice(0), ...watched.splice(0).flat()]).toEqual([]);
  });

  it('should show a member their deadline and notification, mark it read, subscribe to the calendar and switch to the daily digest and back', async () => {
    const roundId = await startRound(system, { templateKey: 'test-politik', templateVersion: 1, title: 'Bebauungsplan Nordhang' });
    await eventually(async () => {
      const { body } = await system.request('GET', '/api/v1/me/notifications?unread=true', undefined, { authorization: `Bearer ${callers.member}` });
      return (body.data as unknown[]).length > 0 ? true : undefined;
    });

    const page = await newPage();
    await signIn(page, memberEmail, CALLER_PASSWORD, 'Mein Bereich');
    const navigation = page.getByRole('navigation', { name: 'Hauptnavigation' });
    expect(await navigation.getByRole('link').allInnerTexts()).toEqual(['Beteiligungsrunden', 'Verzeichnis', 'Vorlagen', 'Mein Bereich', 'Benachrichtigungen', 'Einstellungen', 'Zweiter Faktor']);

    // Mein Bereich: the deadline, with a link to the round.
    await navigation.getByRole('link', { name: 'Mein Bereich' }).click();
    await page.getByRole('heading', { level: 1, name: 'Mein Bereich' }).waitFor();
    const row = page.locator(`tr[data-deadline="${roundId}/stellungnahme"]`);
    await row.waitFor();
    expect(await row.innerText()).toMatch(/Bebauungsplan Nordhang[\s\S]*Stellungnahme des Fachausschusses[\s\S]*fachausschuss/);
    expect(await row.innerText()).not.toContain('überfällig');
    expect(await row.getByRole('link', { name: 'Bebauungsplan Nordhang' }).getAttribute('href')).toBe(`/runden/${roundId}`);
    await page.getByRole('heading', { level: 2, name: 'Meine Sitzungen' }).waitFor();
    await page.getByText('Keine anstehenden Sitzungen Ihrer Gremien.').waitFor();
    problems.push(...(await checkPage(page, 'mein-bereich')));

    // Notifications: the one about the opened stage, marked read with its button.
    await navigation.getByRole('link', { name: 'Benachrichtigungen' }).click();
    await page.getByRole('heading', { level: 1, name: 'Meine Benachrichtigungen' }).waitFor();
    const unread = page.locator('li.is-unread').filter({ hasText: 'Bebauungsplan Nordhang' }).first();
    await unread.waitFor();
    problems.push(...(await checkPage(page, 'mein-bereich-benachrichtigungen')));
    const id = await unread.getAttribute('data-notification');
    await unread.getByRole('button', { name: /^Als gelesen markieren/ }).click();
    const item = page.locator(`li[data-notification="${id}"]`);
    await eventually(async () => ((await item.getAttribute('class')) === 'is-read' ? true : undefined), 10_000);
    expect(await item.innerText()).toMatch(/gelesen am/);
    expect(await page.getByRole('status').filter({ hasText: 'als gelesen markiert' }).count()).toBe(1);
    const read = await system.request('GET', '/api/v1/me/notifications?unread=true', undefined, { authorization: `Bearer ${callers.member}` });
    expect((read.body.data as { id: string }[]).map((entry) => entry.id)).not.toContain(id);
    await page.getByLabel('Nur ungelesene').check();
    await item.waitFor({ state: 'detached' });

    // Settings: the secret calendar address answers with a calendar; webcal:// for calendar apps.
    await navigation.getByRole('link', { name: 'Einstellungen' }).click();
    await page.getByRole('heading', { level: 1, name: 'Einstellungen' }).waitFor();
    await page.getByRole('button', { name: 'Kalender-Adresse erzeugen' }).click();
    const address = page.getByLabel('Ihre geheime Kalender-Adresse');
    await address.waitFor();
    const feedUrl = await address.inputValue();
    expect(feedUrl).toMatch(new RegExp(`^${system.apiUrl}/api/v1/calendar/[A-Za-z0-9_-]+\\.ics$`));
    const feed = await fetch(feedUrl);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toMatch(/^text\/calendar/);
    expect(await feed.text()).toContain('BEGIN:VCALENDAR');
    expect(await page.getByRole('link', { name: 'Im Kalenderprogramm abonnieren' }).getAttribute('href')).toBe(feedUrl.replace(/^http:\/\//, 'webcal://'));
    await page.getByRole('button', { name: 'Adresse kopieren' }).click();
    await page.getByText('Die Adresse ist in der Zwischenablage.').waitFor();
    expect(await page.getByText(/Die Adresse ist geheim/).count()).toBe(1);

    // The daily digest, then back to immediate e-mails; invitations cannot be turned off.
    expect(await page.getByLabel('Ladung zur Sitzung (vorgeschrieben)').isDisabled()).toBe(true);
    await page.getByLabel('Einmal täglich als Zusammenfassung (7 Uhr)').check();
    await page.getByLabel('Frist verlängert').uncheck();
    await page.getByRole('button', { name: 'Speichern' }).click();
    await page.getByText('Ihre Einstellungen sind gespeichert.').waitFor();
    const preferences = `/api/v1/persons/${callers.memberPersonId}/notification-preferences`;
    expect((await system.request('GET', preferences)).body).toMatchObject({ deliveryMode: 'digest', optedOutKinds: ['stage.deadline_extended'], calendarFeed: true });
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Einstellungen' }).waitFor();
    expect(await page.getByLabel('Einmal täglich als Zusammenfassung (7 Uhr)').isChecked()).toBe(true);
    expect(await page.getByText('Sie haben bereits eine Kalender-Adresse.', { exact: false }).count()).toBe(1);
    problems.push(...(await checkPage(page, 'mein-bereich-einstellungen')));
    await page.getByLabel('Sofort').check();
    await page.getByLabel('Frist verlängert').check();
    await page.getByRole('button', { name: 'Speichern' }).click();
    await page.getByText('Ihre Einstellungen sind gespeichert.').waitFor();
    expect((await system.request('GET', preferences)).body).toMatchObject({ deliveryMode: 'immediate', optedOutKinds: [] });

    // The interface language: English, kept for this browser.
    await page.getByRole('group', { name: 'Sprache der Oberfläche' }).getByRole('radio', { name: 'English' }).check();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    problems.push(...(await checkPage(page, 'mein-bereich-einstellungen-en')));
    await page.getByRole('group', { name: 'Interface language' }).getByRole('radio', { name: 'Deutsch' }).check();
    await page.getByRole('heading', { level: 1, name: 'Einstellungen' }).waitFor();
  });

  it('should update an open round page by itself when a decision is made elsewhere', async () => {
    const roundId = await startRound(system, { templateKey: 'test-politik', templateVersion: 1, title: 'Radweg am Kanal' });
    await roundWhen(system, roundId, (round) => round.stages[0].status === 'open');

    const page = await newPage();
    await signIn(page, memberEmail, CALLER_PASSWORD, 'Mein Bereich');
    const streamOpen = page.waitForResponse((response) => response.url().endsWith(`/api/v1/rounds/${roundId}/events`) && response.status() === 200);
    await page.goto(url(`/runden/${roundId}`));
    await page.getByRole('heading', { level: 1, name: 'Radweg am Kanal' }).waitFor();
    const stage = page.locator('li[data-stage="stellungnahme"]');
    expect(await stage.innerText()).not.toContain('Zugestimmt');
    // The live stream is open before the decision is made.
    await streamOpen;

    const decision = await system.request('POST', `/api/v1/rounds/${roundId}/stages/stellungnahme/decision`, { outcome: 'approved' });
    expect(decision.status).toBe(200);
    await page.getByText(/Aktualisiert um \d/).waitFor({ timeout: 15_000 });
    await eventually(async () => ((await stage.innerText()).includes('Zugestimmt') ? true : undefined), 15_000);
    expect(await page.locator('.badge--completed').count()).toBeGreaterThan(0);
    problems.push(...(await checkPage(page, 'runde-live')));
  });
});
