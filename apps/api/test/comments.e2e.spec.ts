import { randomUUID } from 'node:crypto';
import type { ProcessTemplate } from '@ratsweg/domain';
import pg from 'pg';
import { roundWhen, stageOf, startRound, uploadTemplate } from './support/rounds.js';
import { eventually, TestSystem, type HttpResult } from './support/system.js';

const title = { de: 'Test', en: 'Test' };
const consultationTitle = { de: 'Öffentliche Online-Diskussion', en: 'Public online discussion' };

/** A draft, its public consultation (closed here by the administrator's decision), then the evaluation. */
const participationTemplate: ProcessTemplate = {
  key: 'test-stellungnahmen',
  version: 1,
  title,
  stages: [
    { key: 'entwurf', type: 'drafting', title, deadline: { offset: 'P30D' }, outcomes: { completed: { to: 'next' } } },
    {
      key: 'online-diskussion',
      type: 'public_consultation',
      title: consultationTitle,
      deadline: { offset: 'P30D' },
      notify: { onClose: ['administrator'] },
      outcomes: { completed: { to: 'next' } },
    },
    { key: 'auswertung', type: 'drafting', title, deadline: { offset: 'P30D' }, outcomes: { completed: { to: 'end' } } },
  ],
};

/** A public consultation of a few seconds: it closes by itself at its deadline. */
const shortConsultationTemplate: ProcessTemplate = {
  key: 'test-kurzbeteiligung',
  version: 1,
  title,
  stages: [
    {
      key: 'kurz-diskussion',
      type: 'public_consultation',
      title: consultationTitle,
      deadline: { offset: 'PT8S' },
      notify: { onClose: ['administrator'] },
      outcomes: { completed: { to: 'next' } },
    },
    { key: 'auswertung', type: 'drafting', title, deadline: { offset: 'P30D' }, outcomes: { completed: { to: 'end' } } },
  ],
};

const ANNA = { name: 'Anna Beispiel', email: 'Anna.Beispiel@Example.org' };
const FORMULA = '=HYPERLINK("https://evil.example";"Klick")';

describe('public comments on the public consultation of a round', () => {
  const system = new TestSystem({ env: { RATE_LIMIT_COMMENTS_PER_MINUTE: '1000', NOTIFICATION_DISPATCH_INTERVAL_MS: '100' } });
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  const anonymous = { authorization: '' };
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const tokens = { member: '', auditor: '', secretary: '' };
  let secretaryActor = '';
  let roundId = '';

  const comment = (id: string, body: unknown, headers: Record<string, string> = anonymous): Promise<HttpResult> =>
    system.request('POST', `/api/v1/rounds/${id}/comments`, body, headers);
  const comments = (id: string, query = '', headers: Record<string, string> = anonymous): Promise<HttpResult> =>
    system.request('GET', `/api/v1/rounds/${id}/comments${query}`, undefined, headers);
  const expectProblem = (response: HttpResult, status: number, type?: string): void => {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    if (type) expect(response.body.type).toBe(`/problems/${type}`);
  };
  const storedComments = async (id: string) =>
    (await db.query('SELECT * FROM public_comment WHERE tenant = $1 AND round_id = $2 ORDER BY created_at, id', [system.tenant, id])).rows;
  /** The CSV export as bytes, as a spreadsheet program receives it. */
  const exportOf = async (id: string, token: string): Promise<{ status: number; contentType: string | null; bytes: Buffer; text: string }> => {
    const response = await fetch(`${system.apiUrl}/api/v1/rounds/${id}/comments.csv`, { headers: bearer(token) });
    const bytes = Buffer.from(await response.arrayBuffer());
    return { status: response.status, contentType: response.headers.get('content-type'), bytes, text: bytes.toString('utf8') };
  };
  const created = async (path: string, body: unknown): Promise<{ id: string }> => {
    const response = await system.request('POST', path, body);
    if (response.status !== 201) throw new Error(`POST ${path} failed: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  };
  const userWithToken = async (roles: string[], personId?: string): Promise<{ token: string; id: string }> => {
    const email = `${randomUUID()}@${system.tenant}.example`;
    const password = `Stellungnahme-${randomUUID()}`;
    const user = await created('/api/v1/users', { email, displayName: 'Test', password, roles, ...(personId ? { personId } : {}) });
    return { token: await system.login(email, password), id: user.id };
  };
  const administratorInbox = async (): Promise<{ subject: string; text: string }[]> =>
    (await system.request('GET', '/api/v1/notifications/administrators?limit=200')).body.data;

  beforeAll(async () => {
    await db.connect();
    await system.start();
    await uploadTemplate(system, participationTemplate, 1);
    await uploadTemplate(system, shortConsultationTemplate, 1);
    tokens.member = (await userWithToken(['member'])).token;
    tokens.auditor = (await userWithToken(['auditor'])).token;
    const tenant = await system.request('PUT', '/api/v1/tenant', { name: 'Stadt Musterhausen', shortName: 'Musterhausen', ags: '05999001', website: 'https://www.musterhausen.example' });
    if (tenant.status >= 300) throw new Error(`tenant: ${tenant.status} ${JSON.stringify(tenant.body)}`);
    // A secretary is a user whose directory person serves a body as its secretary today.
    const body = await created('/api/v1/bodies', { key: 'ausschuss-beteiligung', name: 'Ausschuss für Beteiligung', shortName: 'Beteiligung', classification: 'committee', startDate: '2025-01-01' });
    const person = await created('/api/v1/persons', { givenName: 'Sabine', familyName: 'Schriftführerin' });
    await created('/api/v1/memberships', { personId: person.id, bodyId: body.id, role: 'secretary', startDate: '2025-01-01' });
    const secretary = await userWithToken([], person.id);
    tokens.secretary = secretary.token;
    secretaryActor = `user:${secretary.id}`;
    roundId = await startRound(system, { templateKey: participationTemplate.key, templateVersion: 1, title: 'Leitlinien Digitales' });
  });

  afterAll(async () => {
    await system.stop();
    await db.end();
  });

  it('should refuse comments before the public consultation has opened (409) and on an unknown round (404), storing nothing', async () => {
    const early = await comment(roundId, { text: 'Zu früh', privacyAccepted: true });
    expectProblem(early, 409, 'consultation-not-open');
    expect(early.body.detail).toContain('noch nicht begonnen');
    const english = await comment(roundId, { text: 'Too early', privacyAccepted: true }, { ...anonymous, 'accept-language': 'en' });
    expect(english.body.detail).toContain('has not started yet');
    expectProblem(await comment(randomUUID(), { text: 'Wohin?', privacyAccepted: true }), 404, 'round-not-found');
    expectProblem(await comment('keine-runde', { text: 'Wohin?', privacyAccepted: true }), 404, 'round-not-found');
    expectProblem(await comments(randomUUID()), 404, 'round-not-found');
    expect(await storedComments(roundId)).toEqual([]);
  });

  it('should take an anonymous comment while the consultation is open and never show the e-mail address', async () => {
    expect((await system.request('POST', `/api/v1/rounds/${roundId}/stages/entwurf/decision`, { outcome: 'completed' })).status).toBe(200);
    await roundWhen(system, roundId, (round) => stageOf(round, 'online-diskussion').status === 'open');

    const first = await comment(roundId, { text: '  Bitte mehr Radwege im Zentrum.  ', name: ANNA.name, email: ANNA.email, privacyAccepted: true });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ roundId, stageKey: 'online-diskussion', text: 'Bitte mehr Radwege im Zentrum.', name: ANNA.name });
    expect(first.body.privacyNotice).toContain('E-Mail-Adresse wird nie veröffentlicht');
    expect(JSON.stringify(first.body).toLowerCase()).not.toContain(ANNA.email.toLowerCase());

    const withoutName = await comment(roundId, { text: 'Ohne Namen: gute Idee.', privacyAccepted: true }, { ...anonymous, 'accept-language': 'en' });
    expect(withoutName.status).toBe(201);
    expect(withoutName.body.name).toBeNull();
    expect(withoutName.body.privacyNotice).toContain('never published');

    const second = await comment(roundId, { text: 'Und sichere Abstellanlagen am Bahnhof.', name: ANNA.name, email: ANNA.email, privacyAccepted: true });
    expect(second.status).toBe(201);

    // Stored: the address lower-cased, the language of the commenter, and nothing about the client's address.
    const rows = await storedComments(roundId);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ body: 'Bitte mehr Radwege im Zentrum.', author_name: ANNA.name, author_email: ANNA.email.toLowerCase(), locale: 'de', stage_key: 'online-diskussion' });
    expect(rows[1]).toMatchObject({ author_name: null, author_email: null, locale: 'en' });
    expect(Object.keys(rows[0]).filter((column) => /ip|addr|agent/i.test(column))).toEqual([]);

    const list = await comments(roundId);
    expect(list.status).toBe(200);
    expect(list.body.data.map((entry: { id: string }) => entry.id)).toEqual([first.body.id, withoutName.body.id, second.body.id]);
    expect(list.body.data[0]).toEqual({ id: first.body.id, roundId, stageKey: 'online-diskussion', text: 'Bitte mehr Radwege im Zentrum.', name: ANNA.name, createdAt: first.body.createdAt });
    expect(JSON.stringify(list.body).toLowerCase()).not.toContain('@example.org');
  });

  it('should page through the comments with a cursor, oldest first', async () => {
    const all = (await comments(roundId)).body.data.map((entry: { id: string }) => entry.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await comments(roundId, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((entry: { id: string }) => entry.id));
      cursor = page.body.next;
    } while (cursor);
    expect(seen).toEqual(all);
    expectProblem(await comments(roundId, '?cursor=kaputt'), 400, 'validation-failed');
    const impossibleDate = Buffer.from(JSON.stringify(['2026-02-31 10:00:00.123456+00', randomUUID()])).toString('base64url');
    const refused = await comments(roundId, `?cursor=${impossibleDate}`);
    expectProblem(refused, 400, 'validation-failed');
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
    expectProblem(await comments(roundId, '?limit=0'), 400, 'validation-failed');
  });

  it('should refuse a comment without accepted privacy notice or with invalid fields (400), storing nothing', async () => {
    const before = (await storedComments(roundId)).length;
    const missing = await comment(roundId, { text: 'Ohne Zustimmung' });
    expectProblem(missing, 400, 'validation-failed');
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'privacyAccepted' })]);
    const declined = await comment(roundId, { text: 'Abgelehnt', privacyAccepted: false });
    expect(declined.body.errors).toEqual([expect.objectContaining({ field: 'privacyAccepted' })]);
    const cases: [Record<string, unknown>, string][] = [
      [{ text: '   ', privacyAccepted: true }, 'text'],
      [{ text: 'x'.repeat(5_001), privacyAccepted: true }, 'text'],
      [{ text: 'Hallo', email: 'keine-adresse', privacyAccepted: true }, 'email'],
      [{ text: 'Hallo', name: 'n'.repeat(201), privacyAccepted: true }, 'name'],
      [{ text: 'Hallo', privacyAccepted: true, ip: '192.0.2.1' }, 'ip'],
    ];
    for (const [body, field] of cases) {
      const response = await comment(roundId, body);
      expectProblem(response, 400, 'validation-failed');
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
    expect(await storedComments(roundId)).toHaveLength(before);
  });

  it('should let a secretary hide a comment from the public, audited without its content, while staff still see it with ?include=hidden', async () => {
    const rude = await comment(roundId, { text: 'Alle im Rathaus sind unfähig!', name: 'Rüdiger Rüpel', email: 'ruepel@example.net', privacyAccepted: true });
    expect(rude.status).toBe(201);
    const hidePath = `/api/v1/rounds/${roundId}/comments/${rude.body.id}/hide`;
    const reason = 'Beleidigung von Rüdiger Rüpel';

    expectProblem(await system.request('POST', hidePath, { reason }, anonymous), 401);
    expectProblem(await system.request('POST', hidePath, { reason }, bearer(tokens.member)), 403);
    expectProblem(await system.request('POST', hidePath, { reason }, bearer(tokens.auditor)), 403);
    expectProblem(await system.request('POST', hidePath, {}, bearer(tokens.secretary)), 400);
    expectProblem(await system.request('POST', `/api/v1/rounds/${roundId}/comments/${randomUUID()}/hide`, { reason }), 404, 'comment-not-found');
    expect((await comments(roundId)).body.data.map((entry: { id: string }) => entry.id)).toContain(rude.body.id);

    const hidden = await system.request('POST', hidePath, { reason }, bearer(tokens.secretary));
    expect(hidden.status).toBe(200);
    expect(hidden.body).toMatchObject({ id: rude.body.id, hidden: true, hiddenReason: reason, hiddenBy: secretaryActor });
    expectProblem(await system.request('POST', hidePath, { reason: 'noch einmal' }), 409, 'comment-already-hidden');

    const publicList = await comments(roundId);
    expect(publicList.body.data.map((entry: { id: string }) => entry.id)).not.toContain(rude.body.id);
    expect(publicList.body.data.every((entry: Record<string, unknown>) => !('hiddenReason' in entry))).toBe(true);
    expectProblem(await comments(roundId, '?include=hidden'), 401);
    expectProblem(await comments(roundId, '?include=hidden', bearer(tokens.member)), 403);
    for (const token of [tokens.auditor, tokens.secretary, system.adminToken]) {
      const staff = await comments(roundId, '?include=hidden', bearer(token));
      expect(staff.status).toBe(200);
      expect(staff.body.data).toEqual(expect.arrayContaining([expect.objectContaining({ id: rude.body.id, hidden: true, hiddenReason: reason, name: 'Rüdiger Rüpel' })]));
      expect(staff.body.data.filter((entry: { hidden: boolean }) => !entry.hidden)).toHaveLength(publicList.body.data.length);
      expect(JSON.stringify(staff.body)).not.toContain('@example.');
    }

    const { rows } = await db.query(`SELECT actor, stage_key, subject_id, details FROM audit_entry WHERE chain = $1 AND action = 'comment.hidden'`, [`round:${roundId}`]);
    expect(rows).toEqual([{ actor: secretaryActor, stage_key: 'online-diskussion', subject_id: rude.body.id, details: expect.objectContaining({ comment: rude.body.id }) }]);
    expect(JSON.stringify(rows[0])).not.toMatch(/Rüpel|Beleidigung|ruepel|unfähig/);
  });

  it('should export every comment as CSV for German Excel, with formula cells neutralised', async () => {
    const injected = await comment(roundId, { text: FORMULA, name: '@Mallory', email: 'mallory@example.com', privacyAccepted: true });
    expect(injected.status).toBe(201);

    expect((await exportOf(roundId, tokens.member)).status).toBe(403);
    const unauthenticated = await fetch(`${system.apiUrl}/api/v1/rounds/${roundId}/comments.csv`);
    expect(unauthenticated.status).toBe(401);
    expect((await exportOf(randomUUID(), system.adminToken)).status).toBe(404);

    const csv = await exportOf(roundId, tokens.auditor);
    expect(csv.status).toBe(200);
    expect(csv.contentType).toBe('text/csv; charset=utf-8');
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.text.slice(1).split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('Id;Phase;Eingegangen (Ortszeit Berlin);Name;E-Mail;Stellungnahme;Ausgeblendet am;Ausgeblendet von;Grund der Ausblendung;Personendaten gelöscht am');
    // Every comment, the hidden one too, with the e-mail addresses for the administration.
    expect(lines).toHaveLength(1 + (await storedComments(roundId)).length);
    expect(csv.text).toContain(`;${ANNA.name};${ANNA.email.toLowerCase()};Bitte mehr Radwege im Zentrum.;`);
    expect(csv.text).toContain('Alle im Rathaus sind unfähig!');
    const injectedLine = lines.find((line) => line.startsWith(injected.body.id)) as string;
    expect(injectedLine).toContain(`;'@Mallory;mallory@example.com;"'=HYPERLINK(""https://evil.example"";""Klick"")";`);
    expect(csv.text).not.toMatch(/(^|;|")=HYPERLINK/m);

    const english = await fetch(`${system.apiUrl}/api/v1/rounds/${roundId}/comments.csv`, { headers: { ...bearer(system.adminToken), 'accept-language': 'en' } });
    expect((await english.text()).split('\r\n')[0]).toContain('Id;Stage;Received (Berlin time);Name;E-mail;Comment');
    // The JSON list beside the export still answers as before.
    expect((await comments(roundId)).headers.get('content-type')).toMatch(/application\/json/);
  });

  it("should erase a commenter's name and e-mail address on request and keep the texts, audited without the address", async () => {
    expectProblem(await system.request('POST', '/api/v1/comments/erasure', { email: ANNA.email }, bearer(tokens.auditor)), 403);
    expectProblem(await system.request('POST', '/api/v1/comments/erasure', { email: ANNA.email }, anonymous), 401);
    expectProblem(await system.request('POST', '/api/v1/comments/erasure', { email: 'keine adresse' }), 400, 'validation-failed');

    const erasure = await system.request('POST', '/api/v1/comments/erasure', { email: ANNA.email.toUpperCase() });
    expect(erasure.status).toBe(200);
    expect(erasure.body).toEqual({ erased: 2, reference: expect.any(String) });

    const annas = (await storedComments(roundId)).filter((row) => ['Bitte mehr Radwege im Zentrum.', 'Und sichere Abstellanlagen am Bahnhof.'].includes(row.body));
    expect(annas).toHaveLength(2);
    for (const row of annas) {
      expect(row).toMatchObject({ author_name: null, author_email: null });
      expect(row.personal_data_erased_at).toBeInstanceOf(Date);
    }
    // Others keep theirs.
    expect((await storedComments(roundId)).some((row) => row.author_email === 'mallory@example.com')).toBe(true);

    const csv = await exportOf(roundId, system.adminToken);
    expect(csv.text).not.toContain(ANNA.name);
    expect(csv.text.toLowerCase()).not.toContain(ANNA.email.toLowerCase());
    expect(csv.text).toContain('Bitte mehr Radwege im Zentrum.');
    expect((await comments(roundId)).body.data.find((entry: { text: string }) => entry.text === 'Bitte mehr Radwege im Zentrum.').name).toBeNull();

    const { rows } = await db.query(`SELECT actor, subject_id, details FROM audit_entry WHERE chain = $1 AND action = 'comment.personal_data_erased'`, [`security:${system.tenant}`]);
    expect(rows).toEqual([{ actor: expect.stringMatching(/^user:/), subject_id: erasure.body.reference, details: { erased: 2, comments: annas.map((row) => row.id).sort() } }]);
    expect(JSON.stringify(rows).toLowerCase()).not.toContain('anna');

    expect((await system.request('POST', '/api/v1/comments/erasure', { email: ANNA.email })).body.erased).toBe(0);
  });

  it('should tell the administrators how many comments arrived when the consultation is closed, and refuse later ones', async () => {
    const stored = await storedComments(roundId);
    const hiddenCount = stored.filter((row) => row.hidden_at !== null).length;
    expect(hiddenCount).toBe(1);
    expect((await system.request('POST', `/api/v1/rounds/${roundId}/stages/online-diskussion/decision`, { outcome: 'completed' })).status).toBe(200);

    const late = await comment(roundId, { text: 'Zu spät', privacyAccepted: true });
    expectProblem(late, 409, 'consultation-not-open');
    expect(late.body.detail).toContain('beendet');
    expect(await storedComments(roundId)).toHaveLength(stored.length);

    const closed = await eventually(async () => (await administratorInbox()).find((entry) => entry.subject === 'Öffentliche Beteiligung beendet: Leitlinien Digitales'));
    expect(closed.text).toContain(`Eingegangene Stellungnahmen: ${stored.length} (öffentlich sichtbar: ${stored.length - hiddenCount}, ausgeblendet: ${hiddenCount}).`);
  });

  it('should count what arrived when a consultation closes by itself at its deadline', async () => {
    const shortId = await startRound(system, { templateKey: shortConsultationTemplate.key, templateVersion: 1, title: 'Kurze Beteiligung' });
    const kept = await comment(shortId, { text: 'Schnell noch eine Anmerkung.', privacyAccepted: true });
    expect(kept.status).toBe(201);
    const spam = await comment(shortId, { text: 'Billige Uhren!', privacyAccepted: true });
    expect(spam.status).toBe(201);
    expect((await system.request('POST', `/api/v1/rounds/${shortId}/comments/${spam.body.id}/hide`, { reason: 'Werbung' })).status).toBe(200);

    await roundWhen(system, shortId, (round) => stageOf(round, 'kurz-diskussion').status === 'completed');
    expectProblem(await comment(shortId, { text: 'Nach Fristende', privacyAccepted: true }), 409, 'consultation-not-open');
    const closed = await eventually(async () => (await administratorInbox()).find((entry) => entry.subject === 'Öffentliche Beteiligung beendet: Kurze Beteiligung'));
    expect(closed.text).toContain('Eingegangene Stellungnahmen: 2 (öffentlich sichtbar: 1, ausgeblendet: 1).');
  });

  it('should publish the privacy notice in German and English', async () => {
    const german = await system.request('GET', '/api/v1/privacy-notice', undefined, anonymous);
    expect(german.status).toBe(200);
    expect(german.headers.get('content-language')).toBe('de');
    expect(german.body).toMatchObject({
      language: 'de',
      title: 'Datenschutzhinweise zu öffentlichen Stellungnahmen',
      version: expect.any(String),
      controller: { name: 'Stadt Musterhausen', website: 'https://www.musterhausen.example' },
    });
    const headings = german.body.sections.map((section: { heading: string }) => section.heading);
    expect(headings).toEqual(expect.arrayContaining(['Was gespeichert wird', 'Wozu', 'Wie lange', 'Löschung und Ihre weiteren Rechte']));
    expect(JSON.stringify(german.body)).toContain('IP-Adresse wird nicht gespeichert');

    const english = await system.request('GET', '/api/v1/privacy-notice', undefined, { ...anonymous, 'accept-language': 'en-GB,en;q=0.9' });
    expect(english.body.language).toBe('en');
    expect(english.body.sections.map((section: { heading: string }) => section.heading)).toEqual(
      expect.arrayContaining(['What is stored', 'Why', 'For how long', 'Deletion and your other rights']),
    );
  });
});

describe('public comments are rate-limited per client address', () => {
  const system = new TestSystem({ env: { RATE_LIMIT_COMMENTS_PER_MINUTE: '2' } });

  beforeAll(async () => {
    await system.startApi();
  });

  afterAll(async () => {
    await system.stop();
  });

  it('should answer 429 with Retry-After once the limit of the minute is used up', async () => {
    const path = `/api/v1/rounds/${randomUUID()}/comments`;
    const body = { text: 'Noch eine', privacyAccepted: true };
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 3; attempt += 1) statuses.push((await system.request('POST', path, body, { authorization: '' })).status);
    expect(statuses).toEqual([404, 404, 429]);
    const limited = await system.request('POST', path, body, { authorization: '' });
    expect(limited.body.type).toBe('/problems/rate-limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Reading is not limited.
    expect((await system.request('GET', path, undefined, { authorization: '' })).status).toBe(404);
  });
});
