import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CALLER_PASSWORD, createCallers, type Callers } from '../../api/test/support/callers.js';
import { roundWhen, stageOf, startRound } from '../../api/test/support/rounds.js';
import { eventually, TestSystem } from '../../api/test/support/system.js';
import { checkPage, focused, launchChromium, tabTo, watchForProblems } from './support/browser.js';

/**
 * The directory (/verzeichnis), the process templates (/vorlagen) and the committee secretary's
 * inbox (/schriftfuehrung) in Debian's Chromium against the real API and worker, with axe-core's
 * WCAG 2.1 AA rules on every page at desktop and phone size.
 */
describe('the directory, the templates and the secretary inbox in a browser', () => {
  const system = new TestSystem({ env: { AUTH_COOKIE_SECURE: 'false' } });
  let browser: Browser;
  let callers: Callers;
  let secretaryEmail = '';
  let memberEmail = '';
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  const watched: string[][] = [];

  const url = (path: string) => `${system.apiUrl}${path}`;

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

  const emailOf = async (token: string) => (await system.request('GET', '/api/v1/me', undefined, { authorization: `Bearer ${token}` })).body.email as string;

  beforeAll(async () => {
    browser = await launchChromium();
    await system.start();
    callers = await createCallers(system, 'fachausschuss');
    secretaryEmail = await emailOf(callers.secretary);
    memberEmail = await emailOf(callers.member);
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

  it('should let an administrator create a body, a person and a membership through the forms, with field errors next to the fields', async () => {
    const page = await newPage();
    await signIn(page, system.admin.email, system.admin.password);
    const navigation = page.getByRole('navigation', { name: 'Hauptnavigation' });
    expect(await navigation.getByRole('link').allInnerTexts()).toEqual(['Beteiligungsrunden', 'Verzeichnis', 'Vorlagen', 'API-Dokumentation', 'Zweiter Faktor']);
    await navigation.getByRole('link', { name: 'Verzeichnis' }).click();
    await page.getByRole('heading', { level: 1, name: 'Gremien' }).waitFor();
    await page.locator(`tr[data-body-id="${callers.bodyId}"]`).waitFor();
    await check(page, 'verzeichnis-gremien');

    // A new body, keyboard only; first with a key the API refuses.
    await page.getByRole('link', { name: 'Neues Gremium' }).click();
    await page.getByRole('heading', { level: 1, name: 'Neues Gremium' }).waitFor();
    const form = page.getByRole('form', { name: 'Neues Gremium' });
    await tabTo(page, 'input[name=name]');
    await page.keyboard.type('Ausschuss für Bauen und Umwelt');
    await page.keyboard.press('Tab');
    await page.keyboard.type('BUA');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Bau Ausschuss');
    // Date fields take their typed digits in the browser's own order: filled, not typed.
    await form.locator('input[name=startDate]').fill('2024-05-01');
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');

    const keyError = form.locator('.field-error').first();
    await keyError.waitFor();
    expect(await keyError.innerText()).toContain('expected a key of lower-case letters, digits and hyphens');
    // The field with the error has the focus, is marked invalid and names the error.
    expect(await focused(page)).toContain('name="key"');
    const keyInput = form.locator('input[name=key]');
    expect(await keyInput.getAttribute('aria-invalid')).toBe('true');
    expect(await keyInput.getAttribute('aria-describedby')).toContain(await keyError.getAttribute('id'));
    expect(await form.getByRole('alert').innerText()).toContain('Mindestens ein Feld ist ungültig.');
    await check(page, 'verzeichnis-gremium-fehler');
    expect((await system.request('GET', '/api/v1/bodies?limit=200')).body.data).toHaveLength(1);

    await page.keyboard.press('Control+A');
    await page.keyboard.type('bauausschuss');
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Ausschuss für Bauen und Umwelt' }).waitFor();
    expect(await page.getByRole('status').innerText()).toBe('Der Eintrag ist angelegt.');
    expect(await page.locator('main').innerText()).toMatch(/Schlüssel\s*bauausschuss[\s\S]*Art\s*Ausschuss[\s\S]*Beginn\s*1\. Mai 2024/);
    await check(page, 'verzeichnis-gremium');
    const bodies = (await system.request('GET', '/api/v1/bodies?limit=200')).body.data as { id: string; key: string; startDate: string }[];
    const created = bodies.find((body) => body.key === 'bauausschuss');
    expect(created).toMatchObject({ startDate: '2024-05-01', classification: 'committee', shortName: 'BUA' });

    // A person.
    await page.getByRole('navigation', { name: 'Bereiche des Verzeichnisses' }).getByRole('link', { name: 'Personen' }).click();
    await page.getByRole('heading', { level: 1, name: 'Personen' }).waitFor();
    await page.getByRole('link', { name: 'Neue Person' }).click();
    await page.getByRole('heading', { level: 1, name: 'Neue Person' }).waitFor();
    await tabTo(page, 'input[name=formOfAddress]');
    await page.keyboard.type('Frau');
    await tabTo(page, 'input[name=givenName]');
    await page.keyboard.type('Berta');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Baumann');
    await page.keyboard.press('Tab');
    await page.keyboard.type('berta.baumann@example.org');
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Berta Baumann' }).waitFor();
    await check(page, 'verzeichnis-person');
    await page.getByRole('link', { name: 'Zurück zu den Personen' }).click();
    const personRow = page.locator('tr', { hasText: 'Berta Baumann' });
    await personRow.waitFor();
    expect(await personRow.innerText()).toContain('berta.baumann@example.org');
    // The name search of the API.
    await page.getByLabel('Suche im Namen').fill('Baumann');
    await page.getByRole('button', { name: 'Anwenden' }).click();
    await page.waitForURL(/q=Baumann/);
    await page.locator('tr', { hasText: 'Mia Mitglied' }).waitFor({ state: 'detached' });
    expect(await page.locator('tbody tr').count()).toBe(1);
    await check(page, 'verzeichnis-personen');

    // A membership of the person in the new body: chosen from lists, without a start date first.
    await page.getByRole('navigation', { name: 'Bereiche des Verzeichnisses' }).getByRole('link', { name: 'Mitgliedschaften' }).click();
    await page.getByRole('heading', { level: 1, name: 'Mitgliedschaften' }).waitFor();
    await page.getByRole('link', { name: 'Neue Mitgliedschaft' }).click();
    const membershipForm = page.getByRole('form', { name: 'Neue Mitgliedschaft' });
    await membershipForm.waitFor();
    await membershipForm.getByLabel('Person').selectOption({ label: 'Berta Baumann' });
    await membershipForm.getByLabel('Gremium').selectOption({ label: 'Ausschuss für Bauen und Umwelt' });
    await membershipForm.getByLabel('Rolle').selectOption({ label: 'Vorsitz' });
    await membershipForm.getByRole('button', { name: 'Anlegen' }).click();
    const startError = membershipForm.locator('.field:has(input[name=startDate]) .field-error');
    await startError.waitFor();
    expect(await focused(page)).toContain('name="startDate"');
    await check(page, 'verzeichnis-mitgliedschaft-fehler');
    await membershipForm.getByLabel('Beginn').fill('2024-06-01');
    await membershipForm.getByRole('button', { name: 'Anlegen' }).click();
    await page.getByRole('heading', { level: 1, name: 'Berta Baumann in Ausschuss für Bauen und Umwelt' }).waitFor();
    expect(await page.locator('main').innerText()).toMatch(/Rolle\s*Vorsitz[\s\S]*Stimmberechtigt\s*ja/);
    await check(page, 'verzeichnis-mitgliedschaft');

    // Ending the membership (POST …/end).
    await page.getByLabel('Letzter Tag').fill('2025-12-31');
    await page.getByRole('button', { name: 'Mitgliedschaft beenden' }).click();
    await page.getByRole('status').filter({ hasText: 'Das Ende ist eingetragen.' }).waitFor();
    // The page reloads the membership after announcing the change: wait for the new last day to be shown.
    await page.locator('main').getByText('31. Dezember 2025', { exact: true }).waitFor();
    expect(await page.locator('main').innerText()).toMatch(/Ende\s*31\. Dezember 2025/);

    // The list, filtered by the new body.
    await page.goto(url(`/verzeichnis/mitgliedschaften?body=${created!.id}`));
    const membershipRow = page.locator('tbody tr');
    await membershipRow.first().waitFor();
    expect(await membershipRow.count()).toBe(1);
    expect(await membershipRow.innerText()).toMatch(/Berta Baumann[\s\S]*Ausschuss für Bauen und Umwelt[\s\S]*Vorsitz[\s\S]*1\. Juni 2024 bis 31\. Dezember 2025/);
    await check(page, 'verzeichnis-mitgliedschaften');
    const memberships = (await system.request('GET', `/api/v1/memberships?body=${created!.id}`)).body.data;
    expect(memberships).toEqual([expect.objectContaining({ role: 'chair', startDate: '2024-06-01', endDate: '2025-12-31', votingRight: true })]);

    // Editing the body (PATCH).
    await page.goto(url(`/verzeichnis/gremien/${created!.id}`));
    await page.getByRole('button', { name: 'Bearbeiten' }).click();
    const editForm = page.getByRole('form', { name: 'Bearbeiten' });
    await editForm.getByLabel('Kurzname').fill('BauA');
    await editForm.getByRole('button', { name: 'Änderungen speichern' }).click();
    await page.getByRole('status').filter({ hasText: 'Die Änderungen sind gespeichert.' }).waitFor();
    expect((await system.request('GET', `/api/v1/bodies/${created!.id}`)).body.shortName).toBe('BauA');
  });

  it('should show the directory read-only to staff who are not administrators', async () => {
    const page = await newPage();
    await signIn(page, memberEmail, CALLER_PASSWORD, 'Mein Bereich');
    await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Verzeichnis' }).click();
    await page.getByRole('heading', { level: 1, name: 'Gremien' }).waitFor();
    await page.getByText('Sie sehen das Verzeichnis nur lesend.').waitFor();
    await page.locator(`tr[data-body-id="${callers.bodyId}"]`).waitFor();
    expect(await page.getByRole('link', { name: 'Neues Gremium' }).count()).toBe(0);
    await page.locator(`tr[data-body-id="${callers.bodyId}"] a`).click();
    await page.getByRole('heading', { level: 1, name: 'Ausschuss für Prüfungen' }).waitFor();
    expect(await page.getByRole('button', { name: 'Bearbeiten' }).count()).toBe(0);
    expect(await page.getByRole('form').count()).toBe(0);
    await check(page, 'verzeichnis-lesend');
  });

  it('should show a template as a diagram and a table, and list the errors of an invalid YAML upload', async () => {
    const page = await newPage();
    await signIn(page, system.admin.email, system.admin.password);
    await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Vorlagen' }).click();
    await page.getByRole('heading', { level: 1, name: 'Verfahrensvorlagen' }).waitFor();
    await page.locator('tr[data-template-key="kurzverfahren"]').waitFor();
    await check(page, 'vorlagen');
    await page.getByRole('link', { name: 'Kurzverfahren: Fachausschuss und Rat' }).click();
    await page.getByRole('heading', { level: 1, name: 'Kurzverfahren: Fachausschuss und Rat' }).waitFor();

    const flow = page.locator('ol.flow > li');
    expect(await flow.count()).toBe(2);
    expect(await flow.nth(0).innerText()).toMatch(/Phase 1 von 2[\s\S]*Beratung im Fachausschuss[\s\S]*Ausschussberatung[\s\S]*fachausschuss[\s\S]*Schriftführung des Gremiums[\s\S]*keine Frist[\s\S]*Zugestimmt[\s\S]*nächste Phase/);
    expect(await flow.nth(1).innerText()).toMatch(/Ratsbeschluss[\s\S]*rat[\s\S]*Zurückverwiesen[\s\S]*zurück zu „Beratung im Fachausschuss“/);
    const table = page.getByRole('table', { name: 'Ablauf als Tabelle' });
    expect(await table.locator('tbody tr').count()).toBe(2);
    await check(page, 'vorlage');

    // An upload that parses but is not a valid template: every error with a readable place.
    const yaml = ['key: kurzverfahren', 'version: 2', 'title:', '  de: Kurz', '  en: Short', 'stages:', '  - key: ausschuss', '    type: committee', '    title: { de: Ausschuss, en: Committee }', '    outcomes: {}'].join('\n');
    await page.getByLabel('Inhalt der Vorlage').fill(yaml);
    await page.getByRole('button', { name: 'Prüfen und hochladen' }).click();
    const errors = page.locator('.template-errors');
    await errors.waitFor();
    expect(await errors.innerText()).toMatch(/Die Vorlage enthält \d+ Fehler/);
    expect(await errors.innerText()).toContain('Phase 1 › type');
    expect(await errors.locator('code').allInnerTexts()).toContain('stages[0].type');
    expect(await focused(page)).toContain('template-errors');
    await check(page, 'vorlage-fehler');
    expect((await system.request('GET', '/api/v1/templates/kurzverfahren')).body.latestVersion).toBe(1);

    // A valid new template in YAML: stored, then shown with its deadline rule.
    await page.goto(url('/vorlagen/neu'));
    await page.getByRole('heading', { level: 1, name: 'Vorlage hochladen' }).waitFor();
    const valid = [
      'key: test-web-vorlage',
      'version: 1',
      'title: { de: Stellungnahme der Verwaltung, en: Statement }',
      'stages:',
      '  - key: entwurf',
      '    type: drafting',
      '    title: { de: Entwurf, en: Draft }',
      '    deadline: { offset: P14D }',
      '    outcomes: { completed: { to: end } }',
    ].join('\n');
    await page.getByLabel('Inhalt der Vorlage').fill(valid);
    await page.getByRole('button', { name: 'Prüfen und hochladen' }).click();
    await page.getByRole('status').filter({ hasText: 'Vorlage „test-web-vorlage“ Version 1 ist gespeichert.' }).waitFor();
    await page.getByRole('link', { name: 'Vorlage ansehen' }).click();
    await page.getByRole('heading', { level: 1, name: 'Stellungnahme der Verwaltung' }).waitFor();
    expect(await page.locator('ol.flow > li').innerText()).toMatch(/Entwurf[\s\S]*Administration der Runde[\s\S]*14 Tage nach Beginn der Phase/);
  });

  it("should list the open stage of the secretary's body in the inbox and lead to the decision form", async () => {
    const roundId = await startRound(system, { templateKey: 'kurzverfahren', title: 'Neubau Feuerwache Nord' });
    await roundWhen(system, roundId, (round) => stageOf(round, 'fachausschuss').status === 'open');
    await eventually(async () => {
      const { body } = await system.request('GET', '/api/v1/rounds?body=fachausschuss');
      return (body.data as { id: string }[]).some((round) => round.id === roundId) ? true : undefined;
    });

    const page = await newPage();
    await signIn(page, secretaryEmail, CALLER_PASSWORD, 'Schriftführung: offene Beschlüsse');
    const navigation = page.getByRole('navigation', { name: 'Hauptnavigation' });
    expect(await navigation.getByRole('link').allInnerTexts()).toEqual(['Beteiligungsrunden', 'Schriftführung', 'Verzeichnis', 'Vorlagen', 'Mein Bereich', 'Benachrichtigungen', 'Einstellungen', 'Zweiter Faktor']);
    await navigation.getByRole('link', { name: 'Schriftführung' }).click();
    await page.getByRole('heading', { level: 1, name: 'Schriftführung: offene Beschlüsse' }).waitFor();
    const entry = page.locator(`li[data-round-id="${roundId}"]`);
    await entry.waitFor();
    expect(await entry.innerText()).toMatch(/Neubau Feuerwache Nord[\s\S]*Beratung im Fachausschuss – Gremium fachausschuss[\s\S]*ohne Frist/);
    await check(page, 'schriftfuehrung');

    // Keyboard: to the entry's link, Enter, and the decision form is there.
    await tabTo(page, `li[data-round-id="${roundId}"] p a`, 60);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Neubau Feuerwache Nord' }).waitFor();
    await page.getByRole('form', { name: 'Beschluss erfassen: Beratung im Fachausschuss' }).waitFor();
  });
});
