import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CALLER_PASSWORD, createCallers, type Callers } from '../../api/test/support/callers.js';
import { roundWhen, stageOf, startRound, uploadTemplate } from '../../api/test/support/rounds.js';
import { eventually, TestSystem } from '../../api/test/support/system.js';
import { checkPage, focused, launchChromium, tabTo, watchForProblems } from './support/browser.js';

/**
 * The web application in Debian's Chromium against the real API and worker: sign-in, the
 * administrators' dashboard, the secretary's decision and the public comment — the last two
 * with the keyboard alone — and axe-core's WCAG 2.1 AA rules on every page, desktop and phone.
 */
describe('the web application in a browser', () => {
  const system = new TestSystem({ env: { AUTH_COOKIE_SECURE: 'false', RATE_LIMIT_COMMENTS_PER_MINUTE: '1000' } });
  let browser: Browser;
  let callers: Callers;
  let secretaryEmail = '';
  const contexts: BrowserContext[] = [];
  /** What went wrong on any page: script errors, CSP refusals, axe violations. */
  const problems: string[] = [];
  const watched: string[][] = [];

  const url = (path: string) => `${system.apiUrl}${path}`;
  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'de-DE', timezoneId: 'Europe/Berlin' });
    contexts.push(context);
    const page = await context.newPage();
    watched.push(watchForProblems(page));
    return page;
  }

  async function check(page: Page, name: string): Promise<void> {
    problems.push(...(await checkPage(page, name)));
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
    // Chromium first: without it the test fails at once with the message that says how to install it.
    browser = await launchChromium();
    await system.start();
    callers = await createCallers(system, 'fachausschuss');
    secretaryEmail = (await system.request('GET', '/api/v1/me', undefined, { authorization: `Bearer ${callers.secretary}` })).body.email as string;
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

  it('should let an administrator sign in and see the rounds, with the overdue one marked, in German and in English', async () => {
    const running = await startRound(system, { templateKey: 'kurzverfahren', title: 'Radverkehrskonzept Innenstadt' });
    await uploadTemplate(
      system,
      {
        key: 'test-web-frist',
        version: 1,
        title: { de: 'Frist', en: 'Deadline' },
        stages: [{ key: 'entwurf', type: 'drafting', title: { de: 'Entwurf der Vorlage', en: 'Drafting' }, deadline: { offset: 'PT1S' }, outcomes: { completed: { to: 'end' } } }],
      },
      1,
    );
    const late = await startRound(system, { templateKey: 'test-web-frist', templateVersion: 1, title: 'Spielplatz Lindenstraße' });
    await eventually(async () => {
      const { body } = await system.request('GET', '/api/v1/rounds?overdue=true');
      return (body.data as { id: string }[]).some((round) => round.id === late) ? true : undefined;
    });

    const page = await newPage();
    const options = page.waitForResponse((response) => response.url().endsWith('/api/v1/auth/options'));
    await page.goto(url('/'));
    await page.waitForURL(/\/anmelden/);
    await page.getByRole('heading', { level: 1, name: 'Anmelden' }).waitFor();
    // No OpenID provider is configured here: the page offers the password only (GET /api/v1/auth/options).
    expect(await (await options).json()).toEqual({ password: true, oidc: false });
    expect(await page.getByRole('link', { name: 'Mit dem Konto der Kommune anmelden' }).count()).toBe(0);
    await check(page, 'anmelden');

    await signIn(page, system.admin.email, system.admin.password);
    expect(page.url()).toBe(url('/runden'));
    const row = page.locator(`tr[data-round-id="${running}"]`);
    await row.waitFor();
    expect(await row.innerText()).toMatch(/Radverkehrskonzept Innenstadt[\s\S]*Läuft[\s\S]*Beratung im Fachausschuss/);
    const lateRow = page.locator(`tr[data-round-id="${late}"]`);
    expect(await lateRow.getAttribute('class')).toContain('is-overdue');
    expect(await lateRow.innerText()).toContain('überfällig');
    expect(await row.innerText()).not.toContain('überfällig');
    // The navigation by role: administrators also get the API documentation.
    const navigation = page.getByRole('navigation', { name: 'Hauptnavigation' });
    expect(await navigation.getByRole('link').allInnerTexts()).toEqual(['Beteiligungsrunden', 'Verzeichnis', 'Vorlagen', 'API-Dokumentation', 'Zweiter Faktor']);
    await check(page, 'runden');

    // Filters: only overdue rounds, then a word of the title.
    await page.getByLabel('Nur überfällige').check();
    await page.getByRole('button', { name: 'Anwenden' }).click();
    await page.waitForURL(/overdue=true/);
    await page.locator(`tr[data-round-id="${running}"]`).waitFor({ state: 'detached' });
    expect(await page.locator(`tr[data-round-id="${late}"]`).count()).toBe(1);
    await page.getByRole('button', { name: 'Zurücksetzen' }).click();
    await page.getByLabel('Suche im Titel').fill('Radverkehr');
    await page.getByRole('button', { name: 'Anwenden' }).click();
    await page.locator(`tr[data-round-id="${late}"]`).waitFor({ state: 'detached' });
    expect(await page.locator(`tr[data-round-id="${running}"]`).count()).toBe(1);

    // English, kept across pages; the API answers in English too (stage titles).
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Participation rounds' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Participation rounds' }).waitFor();
    expect(await page.locator(`tr[data-round-id="${running}"]`).innerText()).toContain('Committee deliberation');
    await check(page, 'runden-en');
    await page.getByRole('button', { name: 'Auf Deutsch umschalten' }).click();
    await page.getByRole('heading', { level: 1, name: 'Beteiligungsrunden' }).waitFor();

    // Signing out ends the session: the overview sends the browser back to the sign-in page.
    await page.getByRole('button', { name: 'Abmelden' }).click();
    await page.waitForURL(/\/anmelden/);
    await page.goto(url('/runden'));
    await page.waitForURL(/\/anmelden\?weiter=%2Frunden/);
  });

  it('should let the committee secretary record the decision with the keyboard alone, after a confirmation step', async () => {
    const roundId = await startRound(system, { templateKey: 'kurzverfahren', title: 'Bebauungsplan Nr. 42 Am Mühlenbach' });
    const page = await newPage();
    await signIn(page, secretaryEmail, CALLER_PASSWORD, 'Schriftführung: offene Beschlüsse');
    // The secretary's navigation: their inbox, no API documentation; their own pages, as they are a person of the directory.
    expect(await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link').allInnerTexts()).toEqual(['Beteiligungsrunden', 'Schriftführung', 'Verzeichnis', 'Vorlagen', 'Mein Bereich', 'Benachrichtigungen', 'Einstellungen', 'Zweiter Faktor']);
    await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Beteiligungsrunden' }).click();
    await page.getByRole('link', { name: 'Bebauungsplan Nr. 42 Am Mühlenbach' }).click();
    await page.getByRole('heading', { level: 1, name: 'Bebauungsplan Nr. 42 Am Mühlenbach' }).waitFor();
    const form = page.getByRole('form', { name: 'Beschluss erfassen: Beratung im Fachausschuss' });
    await form.waitFor();
    // Only the outcomes the template allows for this stage.
    expect(await form.getByRole('radio').evaluateAll((radios) => radios.map((radio) => (radio as unknown as { value: string }).value))).toEqual(['approved', 'rejected', 'postponed']);
    await check(page, 'runde');

    // Keyboard only from here: Tab, Space, Enter and typing.
    await tabTo(page, 'input[type=radio][value=approved]');
    await page.keyboard.press('Space');
    expect(await form.getByRole('radio', { name: 'Zugestimmt' }).isChecked()).toBe(true);
    await tabTo(page, 'textarea');
    await page.keyboard.type('Der Ausschuss empfiehlt dem Rat, den Bebauungsplan zu beschließen.');
    await tabTo(page, 'input[type=number]');
    await page.keyboard.type('9');
    await page.keyboard.press('Tab');
    await page.keyboard.type('2');
    await page.keyboard.press('Tab');
    await page.keyboard.type('1');
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');

    // The confirmation step takes the focus and repeats what will be recorded.
    await page.getByRole('heading', { name: 'Beschluss bestätigen' }).waitFor();
    expect(await focused(page)).toContain('Beschluss bestätigen');
    const confirmation = page.locator('.decision--confirm');
    expect(await confirmation.innerText()).toMatch(/Zugestimmt[\s\S]*Der Ausschuss empfiehlt[\s\S]*9 ja, 2 nein, 1 Enthaltungen/);
    await check(page, 'runde-bestaetigung');
    // Nothing is recorded before the confirmation.
    expect(stageOf((await system.request('GET', `/api/v1/rounds/${roundId}`)).body, 'fachausschuss').status).toBe('open');
    await tabTo(page, '.decision--confirm button.button--primary');
    expect(await focused(page)).toContain('Beschluss verbindlich erfassen');
    await page.keyboard.press('Enter');

    const saved = page.getByRole('status').filter({ hasText: 'ist erfasst' });
    await saved.waitFor();
    expect(await saved.innerText()).toBe('Der Beschluss „Zugestimmt“ für „Beratung im Fachausschuss“ ist erfasst.');
    // The page reloads the round after the message ("Wird geladen …"); the stage shows the decision then.
    const stage = page.locator('li[data-stage="fachausschuss"]');
    await page.locator('li[data-stage="fachausschuss"]', { hasText: 'Entschieden' }).waitFor();
    expect(await stage.innerText()).toMatch(/Entschieden[\s\S]*Zugestimmt/);
    expect(await stage.innerText()).toContain('Abstimmung: 9 ja, 2 nein, 1 Enthaltungen');
    await check(page, 'runde-entschieden');

    const round = await roundWhen(system, roundId, (body) => stageOf(body, 'ratsbeschluss').status === 'open');
    expect(stageOf(round, 'fachausschuss')).toMatchObject({
      status: 'completed',
      outcome: 'approved',
      decisions: [{ outcome: 'approved', resolutionText: 'Der Ausschuss empfiehlt dem Rat, den Bebauungsplan zu beschließen.', votes: { yes: 9, no: 2, abstain: 1 } }],
    });
    // The secretary of the committee cannot decide the council's stage: no form for it.
    await page.reload();
    await page.locator('li[data-stage="ratsbeschluss"]').waitFor();
    expect(await page.getByRole('form', { name: /^Beschluss erfassen/ }).count()).toBe(0);
  });

  it('should let the public comment with the keyboard alone while the consultation is open, and show the closed notice after it', async () => {
    const roundId = await startRound(system, {
      templateKey: 'digitale-agenda',
      title: 'Digitale Agenda 2030',
      meetings: { 'digitales-forum': inDays(10), fachausschuss: inDays(200), rat: inDays(220) },
    });
    for (const stageKey of ['digitales-forum', 'werkstaetten', 'leitlinien-entwurf']) {
      await roundWhen(system, roundId, (round) => stageOf(round, stageKey).status === 'open');
      const decided = await system.request('POST', `/api/v1/rounds/${roundId}/stages/${stageKey}/decision`, { outcome: 'completed' });
      expect(decided.status).toBe(200);
    }
    await roundWhen(system, roundId, (round) => stageOf(round, 'online-diskussion').status === 'open');

    const page = await newPage();
    await page.goto(url(`/beteiligung/${roundId}`));
    await page.getByRole('heading', { level: 1, name: 'Digitale Agenda 2030' }).waitFor();
    expect(await page.locator('main').innerText()).toContain('Öffentliche Beteiligung: Öffentliche Online-Diskussion');
    expect(await page.locator('main').innerText()).toContain('Stellungnahmen bis');
    await check(page, 'beteiligung');

    // Keyboard only: the skip link first, then the form.
    await page.keyboard.press('Tab');
    expect(await focused(page)).toContain('Zum Inhalt springen');
    await tabTo(page, '#comment-text');
    await page.keyboard.type('Bitte offene Daten der Stadt auch als CSV veröffentlichen.');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Anna Beispiel');
    // Sending without accepting the privacy notice is refused in the page, and the focus goes to the box.
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');
    await page.getByText('Bitte bestätigen Sie, dass Sie die Datenschutzhinweise gelesen haben.').waitFor();
    expect(await focused(page)).toContain('id="comment-privacy"');
    await check(page, 'beteiligung-fehler');
    await page.keyboard.press('Space');
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');

    const thanks = page.getByRole('status').filter({ hasText: 'Vielen Dank' });
    await thanks.waitFor();
    expect(await focused(page)).toContain('Vielen Dank! Ihre Stellungnahme ist eingegangen.');
    expect(await thanks.innerText()).toContain('E-Mail-Adresse wird nie veröffentlicht');
    await page.locator('.comment__text', { hasText: 'Bitte offene Daten der Stadt auch als CSV veröffentlichen.' }).waitFor();
    await page.getByRole('heading', { name: 'Stellungnahmen (1)' }).waitFor();
    await check(page, 'beteiligung-danke');

    const stored = await system.request('GET', `/api/v1/rounds/${roundId}/comments`, undefined, { authorization: '' });
    expect(stored.body.data).toEqual([expect.objectContaining({ text: 'Bitte offene Daten der Stadt auch als CSV veröffentlichen.', name: 'Anna Beispiel', stageKey: 'online-diskussion' })]);

    // After the consultation: the closed notice with the number of comments, and no form.
    expect((await system.request('POST', `/api/v1/rounds/${roundId}/stages/online-diskussion/decision`, { outcome: 'completed' })).status).toBe(200);
    await roundWhen(system, roundId, (round) => stageOf(round, 'online-diskussion').status === 'completed');
    await page.reload();
    await page.getByText('Die öffentliche Beteiligung ist beendet. Es ist 1 Stellungnahme eingegangen.').waitFor();
    expect(await page.locator('#comment-text').count()).toBe(0);
    await check(page, 'beteiligung-beendet');
  });

  it('should show a round that has not reached its consultation yet, and unknown pages, accessibly', async () => {
    const roundId = await startRound(system, {
      templateKey: 'digitale-agenda',
      title: 'Digitale Agenda 2031',
      meetings: { 'digitales-forum': inDays(10), fachausschuss: inDays(200), rat: inDays(220) },
    });
    const page = await newPage();
    await page.goto(url(`/beteiligung/${roundId}`));
    await page.getByText('Die öffentliche Beteiligung hat noch nicht begonnen.', { exact: false }).waitFor();
    expect(await page.locator('#comment-text').count()).toBe(0);
    // The privacy notice is there for everybody to read.
    await page.getByRole('heading', { level: 2, name: 'Datenschutzhinweise zu öffentlichen Stellungnahmen' }).waitFor();
    await check(page, 'beteiligung-bevorstehend');

    await page.goto(url('/gibt/es/nicht'));
    await page.getByRole('heading', { level: 1, name: 'Seite nicht gefunden' }).waitFor();
    await check(page, 'nicht-gefunden');
  });
});
