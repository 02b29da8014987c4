import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';
import { startRound } from './support/rounds.js';
import { eventually, TestSystem, type HttpResult } from './support/system.js';

describe('Idempotency-Key: a repeated POST gets the first answer and does nothing again', () => {
  const system = new TestSystem();
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });

  beforeAll(async () => {
    await Promise.all([system.start(), db.connect()]);
  });

  afterAll(async () => {
    await db.end();
    await system.stop();
  });

  const withKey = (key: string, headers: Record<string, string> = {}): Record<string, string> => ({ 'idempotency-key': key, ...headers });

  /** The rounds with this title in the list read model. */
  const roundsTitled = async (title: string): Promise<string[]> => {
    const { status, body } = await system.request('GET', `/api/v1/rounds?q=${encodeURIComponent(title)}`);
    expect(status).toBe(200);
    return (body.data as { id: string; title: string }[]).filter((round) => round.title === title).map((round) => round.id);
  };

  /** Round workflows Temporal runs for this test's tenant. */
  const workflowCount = async (): Promise<number> => {
    const temporal = await system.temporalClient();
    return (await temporal.workflow.count(`RatswegTenant = "${system.tenant}"`)).count;
  };

  const roundCount = async (): Promise<number> =>
    (await db.query('SELECT count(*)::int AS n FROM round WHERE tenant = $1', [system.tenant])).rows[0].n as number;

  /** Every round has its one workflow: none was started twice. */
  const expectOneWorkflowPerRound = async (): Promise<void> => {
    const rounds = await roundCount();
    await eventually(async () => ((await workflowCount()) === rounds ? true : undefined));
  };

  const expectProblem = (response: HttpResult, status: number, code: string): void => {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(response.body).toMatchObject({ status, type: `/problems/${code}` });
  };

  const sharedKey = randomUUID();
  const sharedTitle = `Radverkehrskonzept ${sharedKey}`;

  it('should start one round for a repeated POST /api/v1/rounds and answer the repeat with the first answer', async () => {
    const body = { templateKey: 'kurzverfahren', title: sharedTitle };
    const first = await system.request('POST', '/api/v1/rounds', body, withKey(sharedKey));
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotency-replayed')).toBeNull();
    const id = first.body.id as string;
    expect(first.headers.get('location')).toBe(`/api/v1/rounds/${id}`);

    // The same request again, fields in another order: the same request.
    const again = await system.request('POST', '/api/v1/rounds', { title: sharedTitle, templateKey: 'kurzverfahren' }, withKey(sharedKey));
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(again.headers.get('location')).toBe(`/api/v1/rounds/${id}`);
    expect(again.body).toEqual(first.body);

    expect(await roundsTitled(sharedTitle)).toEqual([id]);
    await expectOneWorkflowPerRound();
    // Only a hash of the key is kept.
    const stored = await db.query('SELECT key_hash, method, path, state, status FROM idempotency_record WHERE tenant = $1 AND key_hash = $2', [
      system.tenant,
      createHash('sha256').update(sharedKey).digest('hex'),
    ]);
    expect(stored.rows).toEqual([{ key_hash: expect.any(String), method: 'POST', path: '/api/v1/rounds', state: 'done', status: 201 }]);
  });

  it('should refuse the same key with another request (422) and create nothing', async () => {
    const otherTitle = `Anderer Titel ${randomUUID()}`;
    const before = await roundCount();

    const otherBody = await system.request('POST', '/api/v1/rounds', { templateKey: 'kurzverfahren', title: otherTitle }, withKey(sharedKey));
    expectProblem(otherBody, 422, 'idempotency-key-reused');
    expect(otherBody.body.detail).toContain('POST /api/v1/rounds');

    const [id] = await roundsTitled(sharedTitle);
    const otherRoute = await system.request('POST', `/api/v1/rounds/${id}/cancel`, { reason: 'Doppelt angelegt' }, withKey(sharedKey));
    expectProblem(otherRoute, 422, 'idempotency-key-reused');

    expect(await roundsTitled(otherTitle)).toEqual([]);
    expect(await roundCount()).toBe(before);
    expect((await system.request('GET', `/api/v1/rounds/${id}`)).body.status).toBe('running');
  });

  it('should let only one of several simultaneous identical requests start a round', async () => {
    const key = randomUUID();
    const title = `Gleichzeitig ${key}`;
    const body = { templateKey: 'kurzverfahren', title };

    const answers = await Promise.all(Array.from({ length: 4 }, () => system.request('POST', '/api/v1/rounds', body, withKey(key))));

    const created = answers.filter((answer) => answer.status === 201);
    const waiting = answers.filter((answer) => answer.status === 409);
    expect(created.length + waiting.length).toBe(answers.length);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((answer) => answer.body.id)).size).toBe(1);
    for (const answer of waiting) {
      expectProblem(answer, 409, 'idempotency-key-in-progress');
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    const id = created[0]?.body.id as string;
    expect(await roundsTitled(title)).toEqual([id]);

    const later = await system.request('POST', '/api/v1/rounds', body, withKey(key));
    expect(later.status).toBe(201);
    expect(later.headers.get('idempotency-replayed')).toBe('true');
    expect(later.body.id).toBe(id);
    await expectOneWorkflowPerRound();
  });

  it('should leave the key of a failed request free, so that the corrected request can use it', async () => {
    const key = randomUUID();
    const title = `Zweiter Versuch ${key}`;

    const failed = await system.request('POST', '/api/v1/rounds', { templateKey: 'kurzverfahren' }, withKey(key));
    expectProblem(failed, 400, 'validation-failed');
    expect(failed.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'title' })]));

    const retried = await system.request('POST', '/api/v1/rounds', { templateKey: 'kurzverfahren', title }, withKey(key));
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotency-replayed')).toBeNull();

    const repeated = await system.request('POST', '/api/v1/rounds', { templateKey: 'kurzverfahren', title }, withKey(key));
    expect(repeated.headers.get('idempotency-replayed')).toBe('true');
    expect(repeated.body.id).toBe(retried.body.id);
    expect(await roundsTitled(title)).toEqual([retried.body.id]);
  });

  it('should keep the keys of different callers apart', async () => {
    const email = `zweite-admin-${randomUUID()}@example.org`;
    const password = `Ein langes Kennwort ${randomUUID()}`;
    const user = await system.request('POST', '/api/v1/users', { email, displayName: 'Zweite Administratorin', password, roles: ['admin'] });
    expect(user.status).toBe(201);
    const other = { authorization: `Bearer ${await system.login(email, password)}` };

    // The administrator's key from the first test, with the same request: a round of the other caller's own.
    const theirs = await system.request('POST', '/api/v1/rounds', { templateKey: 'kurzverfahren', title: sharedTitle }, withKey(sharedKey, other));
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get('idempotency-replayed')).toBeNull();
    // …and with another request: no conflict with the administrator's use of the key.
    const title = `Andere Person ${randomUUID()}`;
    const another = await system.request('POST', '/api/v1/rounds', { templateKey: 'kurzverfahren', title }, withKey(randomUUID(), other));
    expect(another.status).toBe(201);

    const rounds = await roundsTitled(sharedTitle);
    expect(rounds).toHaveLength(2);
    expect(rounds).toContain(theirs.body.id);
    await expectOneWorkflowPerRound();
  });

  it('should answer a decision posted twice with one key with the first answer, and record one decision', async () => {
    const id = await startRound(system, { templateKey: 'kurzverfahren', title: `Entscheidung ${randomUUID()}` });
    const key = randomUUID();
    const decision = { outcome: 'approved', resolutionText: 'Der Ausschuss empfiehlt die Annahme.', votes: { yes: 9, no: 2, abstain: 1 } };
    const path = `/api/v1/rounds/${id}/stages/fachausschuss/decision`;

    const first = await system.request('POST', path, decision, withKey(key));
    expect(first.status).toBe(200);
    const second = await system.request('POST', path, decision, withKey(key));
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotency-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);

    // Without the key the stage is closed: the repeat above did not reach the round.
    expectProblem(await system.request('POST', path, decision), 409, 'stage-not-open');
    const audit = await system.request('GET', `/api/v1/rounds/${id}/audit?action=stage.decided`);
    expect(audit.body.data).toHaveLength(1);
    const round = await system.request('GET', `/api/v1/rounds/${id}`);
    expect(round.body.stages[0].decisions).toHaveLength(1);
  });

  it('should replay the upload of a stage file and refuse another file under the same key', async () => {
    const id = await startRound(system, { templateKey: 'kurzverfahren', title: `Anlage ${randomUUID()}` });
    const key = randomUUID();
    const upload = async (content: Buffer): Promise<HttpResult> => {
      const response = await fetch(`${system.apiUrl}/api/v1/rounds/${id}/stages/fachausschuss/files?name=vorlage.pdf`, {
        method: 'POST',
        headers: { ...system.authHeaders(), 'content-type': 'application/pdf', 'idempotency-key': key },
        body: content,
      });
      return { status: response.status, headers: response.headers, body: await response.json() };
    };
    const pdf = Buffer.from('%PDF-1.4\n% Vorlage\n%%EOF\n');

    const first = await upload(pdf);
    expect(first.status).toBe(201);
    const again = await upload(pdf);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    expect(again.body).toEqual(first.body);

    const other = await upload(Buffer.from('%PDF-1.4\n% eine andere Datei\n%%EOF\n'));
    expectProblem(other, 422, 'idempotency-key-reused');
    const files = await system.request('GET', `/api/v1/rounds/${id}/files`);
    expect(files.body.data.map((file: { id: string }) => file.id)).toEqual([first.body.id]);
  });

  it('should replay a sign-in without keeping the session token readable in the database', async () => {
    const key = randomUUID();
    const login = { email: system.admin.email, password: system.admin.password };
    const sessionsBefore = await sessionCount();

    const first = await system.request('POST', '/api/v1/auth/login', login, withKey(key, { authorization: '' }));
    expect(first.status).toBe(200);
    const again = await system.request('POST', '/api/v1/auth/login', login, withKey(key, { authorization: '' }));
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(again.body.accessToken).toBe(first.body.accessToken);
    expect(await sessionCount()).toBe(sessionsBefore + 1);

    const stored = await db.query(
      `SELECT count(*)::int AS n FROM idempotency_record WHERE tenant = $1 AND actor LIKE 'anonymous:%'
         AND (position(convert_to($2, 'UTF8') IN response_body) > 0 OR response_headers::text LIKE '%' || $2 || '%')`,
      [system.tenant, first.body.accessToken],
    );
    expect(stored.rows[0].n).toBe(0);
    expect((await db.query(`SELECT count(*)::int AS n FROM idempotency_record WHERE tenant = $1 AND actor LIKE 'anonymous:%'`, [system.tenant])).rows[0].n).toBe(1);

    async function sessionCount(): Promise<number> {
      return (await db.query('SELECT count(*)::int AS n FROM auth_session WHERE tenant = $1', [system.tenant])).rows[0].n as number;
    }
  });

  it('should refuse a malformed key with 400 and do nothing', async () => {
    const before = await roundCount();
    for (const key of ['x'.repeat(256), 'Schlüssel', '']) {
      const title = `Ungültiger Schlüssel ${randomUUID()}`;
      const response = await system.request('POST', '/api/v1/rounds', { templateKey: 'kurzverfahren', title }, withKey(key));
      expectProblem(response, 400, 'idempotency-key-invalid');
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
    }
    expect(await roundCount()).toBe(before);
  });

  it('should describe the Idempotency-Key header on every POST operation of the OpenAPI document', async () => {
    const { body } = await system.request('GET', '/api/docs-json');
    const posts = Object.entries(body.paths as Record<string, { post?: { parameters?: { name: string; in: string }[]; responses: Record<string, unknown> } }>).filter(
      ([, item]) => item.post,
    );
    expect(posts.length).toBeGreaterThan(20);
    const undocumented = posts.filter(([, item]) => !item.post?.parameters?.some((parameter) => parameter.in === 'header' && parameter.name === 'Idempotency-Key'));
    expect(undocumented.map(([path]) => path)).toEqual([]);
    for (const [, item] of posts) expect(Object.keys(item.post?.responses ?? {})).toEqual(expect.arrayContaining(['409', '422']));
  });
});
