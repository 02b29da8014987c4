import { auditOf, startRound } from './support/rounds.js';
import { createCallers, type Callers } from './support/callers.js';
import { TestSystem } from './support/system.js';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const anonymous = { authorization: '' };

/**
 * What the web application needs beyond the first increment: staff publish a stage file (the
 * draft) for the public consultation page, the public sees and downloads only published files;
 * the sign-in page learns which ways of signing in exist; the round shows its plan beside the
 * actual course.
 */
describe('published drafts, sign-in options and the plan of a round', () => {
  const system = new TestSystem();
  let callers: Callers;
  let roundId: string;
  let otherRoundId: string;
  const draft = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(50_000, 3), Buffer.from('\n%%EOF\n')]);

  const upload = async (round: string, name: string): Promise<{ id: string; published: boolean }> => {
    const response = await fetch(`${system.apiUrl}/api/v1/rounds/${round}/stages/fachausschuss/files?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { ...system.authHeaders(), 'content-type': 'application/pdf' },
      body: draft,
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string; published: boolean };
  };
  const publication = (fileId: string, published: unknown, as = system.adminToken) =>
    system.request('PUT', `/api/v1/files/${fileId}/publication`, { published }, { authorization: `Bearer ${as}` });
  const consultation = async (round: string) => (await system.request('GET', `/api/v1/rounds/${round}/consultation`, undefined, anonymous)).body;
  const publicDownload = (round: string, fileId: string) => fetch(`${system.apiUrl}/api/v1/rounds/${round}/consultation/files/${fileId}`);

  beforeAll(async () => {
    await system.start();
    // The callers' secretary serves another committee, not the stage's body `fachausschuss`.
    callers = await createCallers(system);
    roundId = await startRound(system, { templateKey: 'kurzverfahren', title: 'Leitlinien Digitale Agenda' });
    otherRoundId = await startRound(system, { templateKey: 'kurzverfahren', title: 'Andere Runde' });
  });

  afterAll(async () => {
    await system.stop();
  });

  it('should keep a new file staff-only: not on the public page, 404 at the public download, 401 at the staff download', async () => {
    const file = await upload(roundId, 'Entwurf intern.pdf');
    expect(file.published).toBe(false);
    expect((await consultation(roundId)).documents).toEqual([]);
    const response = await publicDownload(roundId, file.id);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await system.request('GET', `/api/v1/files/${file.id}/content`, undefined, anonymous)).status).toBe(401);
    expect((await system.request('GET', `/api/v1/rounds/${roundId}/files`)).body.data).toEqual([expect.objectContaining({ id: file.id, published: false })]);
  });

  it('should publish a file for the public once (audited), serve it to anybody unchanged, and withdraw it again', async () => {
    const file = await upload(roundId, 'Leitlinien Entwurf.pdf');

    // Only administrators and the secretary of the stage's body may publish; bad bodies change nothing.
    expect((await publication(file.id, true, callers.secretary)).status).toBe(403);
    expect((await publication(file.id, true, callers.member)).status).toBe(403);
    expect((await system.request('PUT', `/api/v1/files/${file.id}/publication`, { published: true }, anonymous)).status).toBe(401);
    expect((await publication(file.id, 'ja')).status).toBe(400);
    expect((await system.request('PUT', `/api/v1/files/${file.id}/publication`, { published: true, public: true })).status).toBe(400);
    expect((await publication(UNKNOWN, true)).status).toBe(404);
    expect((await consultation(roundId)).documents).toEqual([]);

    const published = await publication(file.id, true);
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ id: file.id, published: true, publishedAt: expect.any(String) });
    expect((await publication(file.id, true)).status).toBe(200);

    const page = await consultation(roundId);
    expect(page.documents).toEqual([
      {
        id: file.id,
        stageKey: 'fachausschuss',
        name: 'Leitlinien Entwurf.pdf',
        mediaType: 'application/pdf',
        size: draft.length,
        publishedAt: published.body.publishedAt,
        downloadUrl: `/api/v1/rounds/${roundId}/consultation/files/${file.id}`,
      },
    ]);
    const download = await fetch(`${system.apiUrl}${page.documents[0].downloadUrl}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-disposition')).toContain("filename*=UTF-8''Leitlinien%20Entwurf.pdf");
    expect(Buffer.from(await download.arrayBuffer()).equals(draft)).toBe(true);
    // Only under its own round, and another round's page does not show it.
    expect((await publicDownload(otherRoundId, file.id)).status).toBe(404);
    expect((await consultation(otherRoundId)).documents).toEqual([]);
    expect((await publicDownload(roundId, 'kein-uuid')).status).toBe(404);

    expect((await publication(file.id, false)).body).toMatchObject({ published: false });
    expect((await consultation(roundId)).documents).toEqual([]);
    expect((await publicDownload(roundId, file.id)).status).toBe(404);

    const audit = await auditOf(roundId);
    const about = audit.filter((row) => row.details?.file === file.id).map((row) => row.action);
    expect(about).toEqual(['stage.file_attached', 'stage.file_published', 'stage.file_withdrawn']);
    expect((await system.request('GET', `/api/v1/rounds/${roundId}/audit/verify`)).body).toMatchObject({ valid: true });
  });

  it("should let the secretary of the stage's body publish", async () => {
    const own = await createCallers(system, 'fachausschuss');
    const file = await upload(roundId, 'Anlage Ausschuss.pdf');
    expect((await publication(file.id, true, own.secretary)).body).toMatchObject({ published: true });
    expect((await consultation(roundId)).documents.map((document: { id: string }) => document.id)).toContain(file.id);
  });

  it('should tell the sign-in page that only the password works here (no OpenID provider configured)', async () => {
    const options = await system.request('GET', '/api/v1/auth/options', undefined, anonymous);
    expect(options.status).toBe(200);
    expect(options.body).toEqual({ password: true, oidc: false });
    expect((await system.request('GET', '/api/v1/auth/oidc/login', undefined, anonymous)).status).toBe(404);
  });

  it("should show each stage's plan from the round's start beside its actual course", async () => {
    const start = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const id = await startRound(system, { templateKey: 'beschlussvorlage', templateVersion: 1, title: 'Plan und Verlauf', start, meetings: { fachausschuss: '2030-06-04T15:00:00Z' } });
    const before = (await system.request('GET', `/api/v1/rounds/${id}`)).body;
    const vorlage = before.stages[0];
    expect(vorlage.planned.opens).toBe(vorlage.openedAt);
    expect(vorlage.planned.deadline).toBe(vorlage.deadline);
    expect(vorlage.planned.closes).toBe(vorlage.deadline);
    expect(Date.parse(vorlage.planned.deadline) - Date.parse(vorlage.planned.opens)).toBeGreaterThanOrEqual(13.9 * 86_400_000);
    const fachausschuss = before.stages[1];
    expect(fachausschuss.openedAt).toBeUndefined();
    expect(fachausschuss.planned).toEqual({ opens: vorlage.planned.closes, closes: '2030-06-04T15:00:00.000Z', deadline: '2030-06-04T15:00:00.000Z' });

    const after = (await system.request('POST', `/api/v1/rounds/${id}/stages/vorlage/decision`, { outcome: 'completed' })).body;
    expect(after.stages[0].closedAt).toBeDefined();
    const shown = (await system.request('GET', `/api/v1/rounds/${id}`)).body;
    // Decided eleven days before its planned end: the next stage opened early, its plan unchanged.
    expect(Date.parse(shown.stages[0].closedAt)).toBeLessThan(Date.parse(shown.stages[0].planned.closes));
    expect(shown.stages[1].openedAt).toBeDefined();
    expect(Date.parse(shown.stages[1].openedAt)).toBeLessThan(Date.parse(shown.stages[1].planned.opens));
    expect(shown.stages[1].planned).toEqual(fachausschuss.planned);
  });
});
