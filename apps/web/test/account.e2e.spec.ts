import { totpCode } from '@ratsweg/auth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CALLER_PASSWORD, createCallers, type Callers } from '../../api/test/support/callers.js';
import { roundWhen, stageOf, startRound } from '../../api/test/support/rounds.js';
import { TestSystem } from '../../api/test/support/system.js';
import { checkPage, checkZoom, launchChromium, watchForProblems } from './support/browser.js';

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/** One browser, fresh contexts per test, and the checks every page gets: script errors, CSP refusals, axe. */
function browserHarness(system: () => TestSystem) {
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  const watched: string[][] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
    expect([...problems.splice(0), ...watched.splice(0).flat()]).toEqual([]);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
  });

  return {
    url: (path: string) => `${system().apiUrl}${path}`,
    problems,
    async newPage(): Promise<Page> {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'de-DE', timezoneId: 'Europe/Berlin', acceptDownloads: true });
      contexts.push(context);
      const page = await context.newPage();
      watched.push(watchForProblems(page));
      return page;
    },
    async check(page: Page, name: string): Promise<void> {
      problems.push(...(await checkPage(page, name)));
    },
  };
}

async function fillSignIn(page: Page, url: (path: string) => string, email: string, password: string): Promise<void> {
  await page.goto(url('/anmelden'));
  await page.getByRole('heading', { level: 1, name: 'Anmelden' }).waitFor();
  await page.getByLabel('E-Mail-Adresse').fill(email);
  await page.getByLabel('Kennwort').fill(password);
  await page.getByRole('button', { name: 'Anmelden' }).click();
}

describe('the second factor in a browser, where administrators must use one (and an OpenID provider is configured)', () => {
  const system = new TestSystem({
    env: {
      AUTH_COOKIE_SECURE: 'false',
      RATSWEG_REQUIRE_MFA: 'true',
      // Configured, never reached in this test: the sign-in page offers it all the same.
      OIDC_ISSUER: 'https://127.0.0.1:9/realms/musterhausen',
      OIDC_CLIENT_ID: 'ratsweg',
      OIDC_CLIENT_SECRET: 'geheim-nur-fuer-den-test',
      OIDC_REDIRECT_URI: 'http://127.0.0.1:9/api/v1/auth/oidc/callback',
    },
  });
  const harness = browserHarness(() => system);

  beforeAll(async () => {
    await system.startApi();
  });

  afterAll(async () => {
    await system.stop();
  });

  it('should guide an administrator without a second factor to set it up (QR code and key), confirm it with a code, and then ask for a code at sign-in', async () => {
    const page = await harness.newPage();
    // The municipality's OpenID provider is configured: the sign-in page links to it (GET /api/v1/auth/options).
    await page.goto(harness.url('/anmelden'));
    const oidc = page.getByRole('link', { name: 'Mit dem Konto der Kommune anmelden' });
    await oidc.waitFor();
    expect(await oidc.getAttribute('href')).toBe('/api/v1/auth/oidc/login');
    await harness.check(page, 'anmelden-mit-oidc');
    await fillSignIn(page, harness.url, system.admin.email, system.admin.password);
    // Only the set-up is open until it is done: the page says so, and the navigation offers nothing else.
    await page.waitForURL(/\/konto\/zweiter-faktor\?weiter=%2Frunden$/);
    await page.getByRole('heading', { level: 1, name: 'Zweiten Faktor einrichten' }).waitFor();
    await page.getByText('Für Ihre Rolle ist ein zweiter Faktor Pflicht.', { exact: false }).first().waitFor();
    expect(await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link').allInnerTexts()).toEqual(['Zweiter Faktor']);
    // Another page sends the person back here.
    await page.goto(harness.url('/runden'));
    await page.getByRole('heading', { level: 1, name: 'Zweiten Faktor einrichten' }).waitFor();
    expect(page.url()).toBe(harness.url('/konto/zweiter-faktor?weiter=%2Frunden'));
    await harness.check(page, 'zweiter-faktor');

    await page.getByRole('button', { name: 'Einrichtung beginnen' }).click();
    const qr = page.getByRole('img', { name: 'QR-Code für die Authenticator-App (der Schlüssel steht darunter als Text)' });
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;charset=utf-8,%3Csvg/);
    const secret = (await page.locator('code.secret').getAttribute('data-secret')) as string;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    // The key as text, in groups of four for typing it in by hand.
    expect((await page.locator('code.secret').innerText()).replace(/\s/g, '')).toBe(secret);
    expect(await page.locator('code.secret').innerText()).toMatch(/^[A-Z2-7]{4} [A-Z2-7]{4} /);
    // The code field has the focus.
    expect(await page.evaluate('document.activeElement?.id')).toBe('totp-code');
    await harness.check(page, 'zweiter-faktor-qr');

    await page.getByLabel('Sicherheitscode aus der App').fill('12345');
    await page.getByRole('button', { name: 'Bestätigen und aktivieren' }).click();
    await page.getByRole('alert').filter({ hasText: 'Bitte geben Sie die sechs Ziffern aus der App ein.' }).waitFor();
    await harness.check(page, 'zweiter-faktor-fehler');

    const code = totpCode(secret);
    await page.getByLabel('Sicherheitscode aus der App').fill(code);
    await page.getByRole('button', { name: 'Bestätigen und aktivieren' }).click();
    await page.getByRole('status').filter({ hasText: 'Der zweite Faktor ist eingerichtet.' }).waitFor();
    await harness.check(page, 'zweiter-faktor-fertig');
    await page.getByRole('link', { name: 'Weiter', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Beteiligungsrunden' }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link').allInnerTexts()).toContain('Verzeichnis');

    // Signed out and in again: the page asks for the code, and takes the next one (each code works once).
    await page.getByRole('button', { name: 'Abmelden' }).click();
    await page.waitForURL(/\/anmelden/);
    await fillSignIn(page, harness.url, system.admin.email, system.admin.password);
    const otp = page.getByLabel('Sicherheitscode', { exact: true });
    await otp.waitFor();
    expect(await page.evaluate('document.activeElement?.id')).toBe('otp');
    await harness.check(page, 'anmelden-code');
    await otp.fill(totpCode(secret, Date.now() + 30_000));
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.getByRole('heading', { level: 1, name: 'Beteiligungsrunden' }).waitFor();
    await page.goto(harness.url('/konto/zweiter-faktor'));
    await page.getByText('Für Ihr Konto ist ein zweiter Faktor eingerichtet.').waitFor();
  });
});

describe('the published draft, the plan of a round, the e-mail language and 200 % zoom in a browser', () => {
  const system = new TestSystem({ env: { AUTH_COOKIE_SECURE: 'false', RATE_LIMIT_COMMENTS_PER_MINUTE: '1000' } });
  const harness = browserHarness(() => system);
  let callers: Callers;
  let secretaryEmail = '';
  let memberEmail = '';
  const draft = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(150_000, 5), Buffer.from('\n%%EOF\n')]);

  async function signIn(page: Page, email: string, password: string, landing: string): Promise<void> {
    await fillSignIn(page, harness.url, email, password);
    await page.getByRole('heading', { level: 1, name: landing }).waitFor();
  }

  /** A round of the Digitale Agenda with its public online discussion open. */
  async function roundInConsultation(title: string): Promise<string> {
    const roundId = await startRound(system, { templateKey: 'digitale-agenda', title, meetings: { 'digitales-forum': inDays(10), fachausschuss: inDays(200), rat: inDays(220) } });
    for (const stageKey of ['digitales-forum', 'werkstaetten', 'leitlinien-entwurf']) {
      await roundWhen(system, roundId, (round) => stageOf(round, stageKey).status === 'open');
      expect((await system.request('POST', `/api/v1/rounds/${roundId}/stages/${stageKey}/decision`, { outcome: 'completed' })).status).toBe(200);
    }
    await roundWhen(system, roundId, (round) => stageOf(round, 'online-diskussion').status === 'open');
    return roundId;
  }

  beforeAll(async () => {
    await system.start();
    callers = await createCallers(system, 'fachausschuss');
    const emailOf = async (token: string) => (await system.request('GET', '/api/v1/me', undefined, { authorization: `Bearer ${token}` })).body.email as string;
    secretaryEmail = await emailOf(callers.secretary);
    memberEmail = await emailOf(callers.member);
  });

  afterAll(async () => {
    await system.stop();
  });

  it('should let staff upload and publish the draft, and the public see it with its size and download it unchanged', async () => {
    const roundId = await roundInConsultation('Leitlinien Digitale Agenda');
    const staff = await harness.newPage();
    await signIn(staff, system.admin.email, system.admin.password, 'Beteiligungsrunden');
    await staff.goto(harness.url(`/runden/${roundId}`));
    await staff.getByRole('heading', { level: 2, name: 'Unterlagen' }).waitFor();
    await staff.getByText('Noch keine Unterlagen.').waitFor();

    const upload = staff.getByRole('form', { name: 'Datei hochladen' });
    await upload.getByLabel('Phase').selectOption('leitlinien-entwurf');
    await upload.getByLabel('Datei', { exact: true }).setInputFiles({ name: 'Leitlinien-Entwurf.pdf', mimeType: 'application/pdf', buffer: draft });
    await upload.getByRole('button', { name: 'Hochladen' }).click();
    await staff.getByRole('status').filter({ hasText: '„Leitlinien-Entwurf.pdf“ wurde hochgeladen' }).waitFor();
    const item = staff.locator('li[data-file="Leitlinien-Entwurf.pdf"]');
    await item.getByText('Nur intern').waitFor();
    expect(await item.innerText()).toMatch(/Leitlinien-Entwurf\.pdf[\s\S]*\(PDF, 146,5 KB\)[\s\S]*Entwurf der Leitlinien/);
    await harness.check(staff, 'runde-unterlagen');

    // Not public yet: the public page does not show it.
    const visitor = await harness.newPage();
    await visitor.goto(harness.url(`/beteiligung/${roundId}`));
    await visitor.getByRole('heading', { level: 1, name: 'Leitlinien Digitale Agenda' }).waitFor();
    await visitor.locator('#comment-text').waitFor();
    expect(await visitor.getByRole('heading', { name: 'Entwurf und Unterlagen' }).count()).toBe(0);

    await item.getByRole('button', { name: 'Veröffentlichen: Leitlinien-Entwurf.pdf' }).click();
    await staff.getByRole('status').filter({ hasText: 'ist jetzt auf der öffentlichen Beteiligungsseite' }).waitFor();
    await item.getByText(/^Öffentlich seit /).waitFor();
    await harness.check(staff, 'runde-unterlagen-veroeffentlicht');

    await visitor.reload();
    const documents = visitor.getByRole('region', { name: 'Entwurf und Unterlagen' });
    await documents.waitFor();
    expect(await documents.innerText()).toMatch(/Leitlinien-Entwurf\.pdf \(PDF, 146,5 KB\) · veröffentlicht am \d{1,2}\. \S+ \d{4}/);
    await harness.check(visitor, 'beteiligung-entwurf');
    const [download] = await Promise.all([visitor.waitForEvent('download'), documents.getByRole('link', { name: 'Leitlinien-Entwurf.pdf' }).click()]);
    expect(download.suggestedFilename()).toBe('Leitlinien-Entwurf.pdf');
    const path = await download.path();
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(path).equals(draft)).toBe(true);

    // Withdrawn: gone from the public page again.
    await item.getByRole('button', { name: 'Zurückziehen: Leitlinien-Entwurf.pdf' }).click();
    await item.getByText('Nur intern').waitFor();
    await visitor.reload();
    await visitor.locator('#comment-text').waitFor();
    expect(await visitor.getByRole('heading', { name: 'Entwurf und Unterlagen' }).count()).toBe(0);
  });

  it("should show each stage's planned dates beside the actual ones", async () => {
    const start = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const roundId = await startRound(system, { templateKey: 'beschlussvorlage', templateVersion: 1, title: 'Plan und Verlauf', start, meetings: { fachausschuss: '2030-06-04T15:00:00Z' } });
    expect((await system.request('POST', `/api/v1/rounds/${roundId}/stages/vorlage/decision`, { outcome: 'completed' })).status).toBe(200);
    await roundWhen(system, roundId, (round) => stageOf(round, 'fachausschuss').status === 'open');

    const page = await harness.newPage();
    await signIn(page, system.admin.email, system.admin.password, 'Beteiligungsrunden');
    await page.goto(harness.url(`/runden/${roundId}`));
    const plan = page.getByRole('table', { name: 'Plan und Verlauf: Erstellung der Vorlage' });
    await plan.waitFor();
    expect(await plan.getByRole('columnheader').allInnerTexts()).toEqual(['Geplant', 'Tatsächlich']);
    expect(await plan.getByRole('rowheader').allInnerTexts()).toEqual(['Beginn', 'Ende', 'Frist']);
    // Decided eleven days before its planned end.
    expect(await plan.locator('tr[data-row="closes"]').innerText()).toMatch(/\d{2}\.\d{2}\.\d{4}[\s\S]*\d{2}\.\d{2}\.\d{4}[\s\S]*11 Tage früher/);
    const next = page.getByRole('table', { name: 'Plan und Verlauf: Vorberatung im Fachausschuss' });
    expect(await next.locator('tr[data-row="opens"]').innerText()).toContain('11 Tage früher');
    expect(await next.locator('tr[data-row="closes"]').innerText()).toMatch(/04\.06\.2030[\s\S]*noch offen/);
    expect(await next.locator('tr[data-row="deadline"]').innerText()).toMatch(/04\.06\.2030, 17:00[\s\S]*04\.06\.2030, 17:00/);
    const council = page.getByRole('table', { name: 'Plan und Verlauf: Ratsbeschluss' });
    expect(await council.locator('tr[data-row="opens"]').innerText()).toContain('noch nicht begonnen');
    await harness.check(page, 'runde-plan');
  });

  it('should land a politician in Mein Bereich and keep the language of their e-mails they chose', async () => {
    const page = await harness.newPage();
    await signIn(page, memberEmail, CALLER_PASSWORD, 'Mein Bereich');
    expect(page.url()).toBe(harness.url('/mein-bereich'));
    await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Einstellungen' }).click();
    await page.getByRole('heading', { level: 1, name: 'Einstellungen' }).waitFor();
    const group = page.getByRole('group', { name: 'Sprache der E-Mails' });
    await group.waitFor();
    expect(await group.getByRole('radio', { name: 'Deutsch' }).isChecked()).toBe(true);
    await group.getByRole('radio', { name: 'English' }).check();
    await page.getByRole('button', { name: 'Speichern' }).click();
    await page.getByText('Ihre Einstellungen sind gespeichert.').waitFor();
    await harness.check(page, 'einstellungen-sprache');

    await page.reload();
    await page.getByRole('group', { name: 'Sprache der E-Mails' }).waitFor();
    expect(await page.getByRole('group', { name: 'Sprache der E-Mails' }).getByRole('radio', { name: 'English' }).isChecked()).toBe(true);
    // The interface stays German: the e-mail language is the person's, the interface language the browser's.
    expect(await page.getAttribute('html', 'lang')).toBe('de');
    const saved = await system.request('GET', `/api/v1/persons/${callers.memberPersonId}/notification-preferences`);
    expect(saved.body.locale).toBe('en');
    expect((await system.request('GET', `/api/v1/persons/${callers.memberPersonId}`)).body.locale).toBe('en');
  });

  it('should work at 200 % zoom: no sideways scrolling, the main controls visible and usable, on the public comment form, the decision form and the dashboard', async () => {
    const consultationRound = await roundInConsultation('Digitale Agenda, vergrößert');
    const visitor = await harness.newPage();
    await visitor.goto(harness.url(`/beteiligung/${consultationRound}`));
    await visitor.locator('#comment-text').waitFor();
    await visitor.setViewportSize({ width: 640, height: 400 });
    harness.problems.push(
      ...(await checkZoom(visitor, 'beteiligung', [
        visitor.locator('#comment-text'),
        visitor.locator('#comment-privacy'),
        visitor.getByRole('button', { name: 'Stellungnahme absenden' }),
      ])),
    );
    // Usable at that size: a comment goes through.
    await visitor.setViewportSize({ width: 640, height: 400 });
    await visitor.locator('#comment-text').fill('Vergrößert gut lesbar.');
    await visitor.locator('#comment-privacy').check();
    await visitor.getByRole('button', { name: 'Stellungnahme absenden' }).click();
    await visitor.getByRole('status').filter({ hasText: 'Vielen Dank' }).waitFor();
    harness.problems.push(...(await checkZoom(visitor, 'beteiligung-danke', [visitor.getByRole('button', { name: 'Eine weitere Stellungnahme schreiben' })])));

    const committeeRound = await startRound(system, { templateKey: 'kurzverfahren', title: 'Bebauungsplan, vergrößert' });
    const secretary = await harness.newPage();
    await secretary.setViewportSize({ width: 640, height: 400 });
    await signIn(secretary, secretaryEmail, CALLER_PASSWORD, 'Schriftführung: offene Beschlüsse');
    await secretary.goto(harness.url(`/runden/${committeeRound}`));
    const form = secretary.getByRole('form', { name: 'Beschluss erfassen: Beratung im Fachausschuss' });
    await form.waitFor();
    harness.problems.push(
      ...(await checkZoom(secretary, 'runde-beschluss', [form.getByRole('radio', { name: 'Zugestimmt' }), form.locator('textarea'), form.locator('button[type=submit]')])),
    );
    await secretary.setViewportSize({ width: 640, height: 400 });
    await form.getByRole('radio', { name: 'Zugestimmt' }).check();
    await form.locator('button[type=submit]').click();
    await secretary.getByRole('heading', { name: 'Beschluss bestätigen' }).waitFor();
    harness.problems.push(...(await checkZoom(secretary, 'runde-beschluss-bestaetigung', [secretary.locator('.decision--confirm button.button--primary')])));

    const admin = await harness.newPage();
    await admin.setViewportSize({ width: 640, height: 400 });
    await signIn(admin, system.admin.email, system.admin.password, 'Beteiligungsrunden');
    await admin.locator(`tr[data-round-id="${committeeRound}"]`).waitFor();
    harness.problems.push(
      ...(await checkZoom(admin, 'runden', [
        admin.getByLabel('Suche im Titel'),
        admin.getByRole('button', { name: 'Anwenden' }),
        admin.getByRole('link', { name: 'Bebauungsplan, vergrößert' }),
      ])),
    );
  });
});
