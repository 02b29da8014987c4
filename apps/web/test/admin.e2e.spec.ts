import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CALLER_PASSWORD, createCallers } from '../../api/test/support/callers.js';
import { roundWhen, stageOf, startRound } from '../../api/test/support/rounds.js';
import { eventually, TestSystem } from '../../api/test/support/system.js';
import { checkPage, focused, launchChromium, watchForProblems } from './support/browser.js';

/**
 * The administrators' pages in Debian's Chromium against the real API and worker: the whole
 * journey of a round — started in the wizard, commented on by the public, approved by the
 * committee's secretary, decided by the council, completed — and the actions on a round
 * (extend a deadline, move a meeting, moderate comments, cancel with a reason), with
 * axe-core's WCAG 2.1 AA rules on every page at desktop and phone size.
 */
describe('the administrators’ pages in a browser', () => {
  const system = new TestSystem({ env: { AUTH_COOKIE_SECURE: 'false', RATE_LIMIT_COMMENTS_PER_MINUTE: '1000' } });
  let browser: Browser;
  let secretaryEmail = '';
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  const watched: string[][] = [];

  const url = (path: string) => `${system.apiUrl}${path}`;
  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
  /** A `datetime-local` value `days` from now (the browser runs in Europe/Berlin; only the date matters here). */
  const localInDays = (days: number, hour = 18) => `${new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)}T${String(hour).padStart(2, '0')}:00`;

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
    await page.goto(url('/anmelden'));
    await page.getByLabel('E-Mail-Adresse').fill(email);
    await page.getByLabel('Kennwort').fill(password);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.getByRole('heading', { level: 1, name: landing }).waitFor();
  }

  async function decide(roundId: string, stageKey: string, outcome: string): Promise<void> {
    await roundWhen(system, roundId, (round) => stageOf(round, stageKey).status === 'open');
    const decided = await system.request('POST', `/api/v1/rounds/${roundId}/stages/${stageKey}/decision`, { outcome });
    expect(decided.status).toBe(200);
  }

  /** Records a decision in the round page's form: outcome, then the confirmation step. */
  async function decideInPage(page: Page, stageTitle: string, outcomeLabel: string, votes?: [string, string, string]): Promise<void> {
    const form = page.getByRole('form', { name: `Beschluss erfassen: ${stageTitle}` });
    await form.waitFor();
    await form.getByRole('radio', { name: outcomeLabel }).check();
    if (votes) {
      await form.getByLabel('Ja-Stimmen').fill(votes[0]);
      await form.getByLabel('Nein-Stimmen').fill(votes[1]);
      await form.getByLabel('Enthaltungen').fill(votes[2]);
    }
    await form.getByRole('button', { name: 'Weiter zur Bestätigung' }).click();
    await page.getByRole('button', { name: 'Beschluss verbindlich erfassen' }).click();
    await page.getByRole('status').filter({ hasText: `für „${stageTitle}“ ist erfasst` }).waitFor();
  }

  beforeAll(async () => {
    browser = await launchChromium();
    await system.start();
    // The committee of the digital agenda, with its secretary.
    const callers = await createCallers(system, 'ausschuss-digitales');
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

  it('should take a round from the wizard through the public consultation, the committee and the council to completed', async () => {
    const admin = await newPage();
    await signIn(admin, system.admin.email, system.admin.password);
    await admin.getByRole('link', { name: 'Neue Runde starten' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Neue Beteiligungsrunde starten' }).waitFor();
    expect(await focused(admin)).toContain('Neue Beteiligungsrunde starten');

    // Step 1: template and version; going on without a template is refused next to the field.
    await admin.getByRole('button', { name: 'Weiter' }).click();
    await admin.getByText('Bitte wählen Sie eine Vorlage.').waitFor();
    await admin.getByLabel('Verfahrensvorlage').selectOption('digitale-agenda');
    await admin.getByLabel('Version').waitFor();
    expect(await admin.getByLabel('Version').inputValue()).toBe('1');
    await admin.getByText('Digitales Forum → Werkstätten und Beteiligungsphase', { exact: false }).waitFor();
    expect(await admin.locator('[aria-current="step"]').innerText()).toContain('Vorlage');
    await check(admin, 'admin-assistent-1-vorlage');
    await admin.getByRole('button', { name: 'Weiter' }).click();

    // Step 2: title, start, the template's meetings.
    const step2 = admin.getByRole('heading', { name: 'Schritt 2 von 4: Angaben' });
    await step2.waitFor();
    expect(await focused(admin)).toContain('Schritt 2 von 4');
    await admin.getByRole('button', { name: 'Weiter' }).click();
    await admin.getByText('Bitte geben Sie einen Titel ein.').waitFor();
    expect(await admin.getByLabel('Titel der Runde').getAttribute('aria-invalid')).toBe('true');
    await admin.getByLabel('Titel der Runde').fill('Digitale Agenda 2030');
    await admin.getByLabel(/Sitzung „digitales-forum“/).fill(localInDays(10));
    await admin.getByLabel(/Sitzung „fachausschuss“/).fill(localInDays(200));
    await admin.getByLabel(/Sitzung „rat“/).fill(localInDays(220));
    await check(admin, 'admin-assistent-2-angaben');
    await admin.getByRole('button', { name: 'Weiter' }).click();

    // Step 3: the computed schedule, as a picture with every deadline and its rule, and as a table.
    await admin.getByRole('heading', { name: 'Schritt 3 von 4: Zeitplan' }).waitFor();
    const picture = admin.getByRole('figure', { name: /Zeitplan als Bild/ });
    await picture.waitFor();
    const forum = picture.locator('[data-stage="digitales-forum"]');
    expect(await forum.innerText()).toMatch(/Digitales Forum[\s\S]*Frist:[\s\S]*Regel:[\s\S]*Erinnerung/);
    expect(await picture.locator('[data-stage="online-diskussion"]').innerText()).toMatch(/Regel: .*6 Wochen/i);
    const table = admin.getByRole('table', { name: 'Zeitplan als Tabelle' });
    expect(await table.getByRole('row').count()).toBe(10);
    expect(await table.getByRole('rowheader').allInnerTexts()).toContain('Öffentliche Online-Diskussion');
    await check(admin, 'admin-assistent-3-zeitplan');
    await admin.getByRole('button', { name: 'Weiter' }).click();

    // Step 4: the summary, then the start → the round page.
    await admin.getByRole('heading', { name: 'Schritt 4 von 4: Starten' }).waitFor();
    expect(await admin.locator('main').innerText()).toMatch(/Digitale Agenda 2030[\s\S]*digitale-agenda v1/);
    await check(admin, 'admin-assistent-4-starten');
    await admin.getByRole('button', { name: 'Runde jetzt starten' }).click();
    await admin.waitForURL(/\/runden\/[0-9a-f-]{36}$/);
    const roundId = admin.url().split('/').at(-1) as string;
    await admin.getByRole('heading', { level: 1, name: 'Digitale Agenda 2030' }).waitFor();
    const started = (await system.request('GET', `/api/v1/rounds/${roundId}`)).body;
    expect(started).toMatchObject({ title: 'Digitale Agenda 2030', templateKey: 'digitale-agenda', templateVersion: 1, status: 'running' });
    expect(stageOf(started, 'digitales-forum').meeting.start.slice(0, 10)).toBe(localInDays(10).slice(0, 10));

    // The administrator's part of the round page: actions and the audit trail, verified
    // (the worker records the start in the trail just after the answer: the page is reloaded then).
    await eventually(async () => ((await system.request('GET', `/api/v1/rounds/${roundId}/audit?limit=1`)).body.data.length > 0 ? true : undefined));
    await admin.reload();
    await admin.getByRole('heading', { level: 2, name: 'Verwaltung der Runde' }).waitFor();
    await admin.getByText(/Prüfung der Hash-Kette: unverändert/).waitFor();
    expect(await admin.getByRole('table', { name: /Einträge des Prüfprotokolls/ }).innerText()).toContain('round.started');
    expect(await admin.getByRole('link', { name: 'Druckbares Protokoll öffnen' }).getAttribute('href')).toBe(`/api/v1/rounds/${roundId}/audit/protocol`);
    await check(admin, 'admin-runde-gestartet');

    // Up to the public consultation (the stages before it are decided through the API).
    for (const stageKey of ['digitales-forum', 'werkstaetten', 'leitlinien-entwurf']) await decide(roundId, stageKey, 'completed');
    await roundWhen(system, roundId, (round) => stageOf(round, 'online-diskussion').status === 'open');

    // The public comments on the consultation page, without an account.
    const citizen = await newPage();
    await citizen.goto(url(`/beteiligung/${roundId}`));
    await citizen.getByRole('heading', { level: 1, name: 'Digitale Agenda 2030' }).waitFor();
    await citizen.locator('#comment-text').fill('Bitte offene Daten der Stadt auch als CSV veröffentlichen.');
    await citizen.locator('#comment-privacy').check();
    await citizen.getByRole('button', { name: /senden/i }).click();
    await citizen.getByRole('status').filter({ hasText: 'Vielen Dank' }).waitFor();
    expect(
      (await system.request('POST', `/api/v1/rounds/${roundId}/comments`, { text: 'Werbung für ein Möbelhaus.', privacyAccepted: true }, { authorization: '' })).status,
    ).toBe(201);

    // The administrator moderates: the advertisement is hidden with a reason, the comment stays.
    await admin.reload();
    const moderation = admin.getByRole('region', { name: 'Stellungnahmen (Moderation)' });
    await moderation.getByText('2 Stellungnahmen, davon 0 verborgen').waitFor();
    expect(await moderation.getByRole('link', { name: 'Alle Stellungnahmen als CSV herunterladen' }).getAttribute('href')).toBe(`/api/v1/rounds/${roundId}/comments.csv`);
    await moderation.getByRole('button', { name: /Verbergen.*Werbung/ }).click();
    expect(await focused(admin)).toContain('textarea');
    await admin.getByLabel('Grund für das Verbergen').fill('Werbung, kein Beitrag zur Sache');
    await check(admin, 'admin-runde-moderation');
    await moderation.getByRole('button', { name: 'Stellungnahme verbergen' }).click();
    await moderation.getByText('2 Stellungnahmen, davon 1 verborgen').waitFor();
    await moderation.getByText('Verborgen: Werbung, kein Beitrag zur Sache').waitFor();
    const visible = await system.request('GET', `/api/v1/rounds/${roundId}/comments`, undefined, { authorization: '' });
    expect((visible.body.data as { text: string }[]).map((comment) => comment.text)).toEqual(['Bitte offene Daten der Stadt auch als CSV veröffentlichen.']);

    // After the consultation and the briefings: the committee.
    await decide(roundId, 'online-diskussion', 'completed');
    await decide(roundId, 'unterrichtung-arbeitskreis', 'acknowledged');
    await decide(roundId, 'unterrichtung-fachbeirat', 'acknowledged');
    await roundWhen(system, roundId, (round) => stageOf(round, 'fachausschuss').status === 'open');

    // The committee's secretary approves in the decision form.
    const secretary = await newPage();
    await signIn(secretary, secretaryEmail, CALLER_PASSWORD, 'Schriftführung: offene Beschlüsse');
    await secretary.goto(url(`/runden/${roundId}`));
    await secretary.getByRole('heading', { level: 1, name: 'Digitale Agenda 2030' }).waitFor();
    // No administrator's actions for the secretary; the moderation is there, the audit trail is not.
    await secretary.getByRole('heading', { level: 2, name: 'Stellungnahmen (Moderation)' }).waitFor();
    expect(await secretary.getByRole('heading', { name: 'Verwaltung der Runde' }).count()).toBe(0);
    expect(await secretary.getByRole('heading', { name: 'Prüfprotokoll' }).count()).toBe(0);
    await decideInPage(secretary, 'Beratung im Fachausschuss', 'Zugestimmt', ['9', '2', '1']);
    await check(secretary, 'admin-runde-fachausschuss-entschieden');

    // The council's decision, recorded by the administrator; then the implementation is completed.
    await roundWhen(system, roundId, (round) => stageOf(round, 'ratsbeschluss').status === 'open');
    await admin.reload();
    await decideInPage(admin, 'Ratsbeschluss', 'Zugestimmt', ['31', '4', '2']);
    await roundWhen(system, roundId, (round) => stageOf(round, 'umsetzung').status === 'open');
    await admin.reload();
    await decideInPage(admin, 'Umsetzung der Digitalen Agenda', 'Abgeschlossen');
    await roundWhen(system, roundId, (round) => round.status === 'completed');
    await admin.reload();
    await admin.locator('.facts').first().locator('.badge--completed', { hasText: 'Abgeschlossen' }).waitFor();
    // A finished round offers no actions; its audit trail still verifies.
    expect(await admin.getByRole('heading', { name: 'Verwaltung der Runde' }).count()).toBe(0);
    await admin.getByText(/Prüfung der Hash-Kette: unverändert/).waitFor();
    await check(admin, 'admin-runde-abgeschlossen');
    const done = (await system.request('GET', `/api/v1/rounds/${roundId}`)).body;
    expect(done.status).toBe('completed');
    expect(stageOf(done, 'fachausschuss').decisions[0]).toMatchObject({ outcome: 'approved', votes: { yes: 9, no: 2, abstain: 1 } });
    expect(stageOf(done, 'ratsbeschluss').decisions[0]).toMatchObject({ outcome: 'approved', votes: { yes: 31, no: 4, abstain: 2 } });
  });

  it('should let an administrator extend a deadline, move a meeting and cancel a round with a reason after a confirmation step', async () => {
    const roundId = await startRound(system, {
      templateKey: 'digitale-agenda',
      title: 'Digitale Agenda 2031',
      meetings: { 'digitales-forum': inDays(10), fachausschuss: inDays(200), rat: inDays(220) },
    });
    await roundWhen(system, roundId, (round) => stageOf(round, 'digitales-forum').status === 'open');
    const page = await newPage();
    await signIn(page, system.admin.email, system.admin.password);
    await page.goto(url(`/runden/${roundId}`));
    const actions = page.getByRole('region', { name: 'Verwaltung der Runde' });
    await actions.waitFor();

    // Move the forum's meeting: the open stage's meeting and deadline follow.
    const move = actions.getByRole('form', { name: 'Sitzung verschieben' });
    await move.getByLabel('Sitzung', { exact: true }).selectOption('digitales-forum');
    await move.getByLabel('Neuer Termin').fill(localInDays(12));
    await move.getByRole('button', { name: 'Sitzung verschieben' }).click();
    await move.getByRole('status').filter({ hasText: 'Die Sitzung „digitales-forum“ ist auf' }).waitFor();
    await roundWhen(system, roundId, (round) => stageOf(round, 'digitales-forum').meeting?.start.slice(0, 10) === localInDays(12).slice(0, 10));

    // Extend the open stage's deadline: nothing without a date, then the new deadline shows.
    const extend = actions.getByRole('form', { name: 'Frist verlängern' });
    await extend.getByRole('button', { name: 'Frist verlängern' }).click();
    await extend.getByText('Bitte füllen Sie dieses Feld aus.').waitFor();
    await extend.getByLabel('Neue Frist').fill(localInDays(30, 12));
    await extend.getByRole('button', { name: 'Frist verlängern' }).click();
    await extend.getByRole('status').filter({ hasText: 'Die Frist von „Digitales Forum“ läuft jetzt bis' }).waitFor();
    const extended = await roundWhen(system, roundId, (round) => stageOf(round, 'digitales-forum').deadline?.slice(0, 10) === localInDays(30).slice(0, 10));
    expect(stageOf(extended, 'digitales-forum').status).toBe('open');
    await check(page, 'admin-runde-aktionen');

    // Cancel: a too short reason is refused, then a confirmation step before anything happens.
    const cancel = actions.getByRole('form', { name: 'Runde abbrechen' });
    await cancel.getByLabel('Begründung').fill('x');
    await cancel.getByRole('button', { name: 'Abbruch prüfen' }).click();
    await cancel.getByText('Die Begründung braucht mindestens drei Zeichen.').waitFor();
    await cancel.getByLabel('Begründung').fill('Der Rat hat das Vorhaben zurückgestellt.');
    await cancel.getByRole('button', { name: 'Abbruch prüfen' }).click();
    await page.getByRole('heading', { name: 'Abbruch bestätigen' }).waitFor();
    expect(await focused(page)).toContain('Abbruch bestätigen');
    await check(page, 'admin-runde-abbruch-bestaetigen');
    expect((await system.request('GET', `/api/v1/rounds/${roundId}`)).body.status).toBe('running');
    await page.getByRole('button', { name: 'Runde endgültig abbrechen' }).click();
    await page.locator('.facts').first().getByText('Abgebrochen').waitFor();
    await page.getByText('Der Rat hat das Vorhaben zurückgestellt.').first().waitFor();
    expect(await page.getByRole('heading', { name: 'Verwaltung der Runde' }).count()).toBe(0);
    const cancelled = (await system.request('GET', `/api/v1/rounds/${roundId}`)).body;
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: 'Der Rat hat das Vorhaben zurückgestellt.' });
    await page.getByText(/Prüfung der Hash-Kette: unverändert/).waitFor();
    expect(await page.getByRole('table', { name: /Einträge des Prüfprotokolls/ }).innerText()).toMatch(/cancel/);
    await check(page, 'admin-runde-abgebrochen');
  });
});
