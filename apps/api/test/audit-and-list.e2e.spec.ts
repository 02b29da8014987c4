import pg from 'pg';
import { auditOf, roundWhen, stageOf, startRound } from './support/rounds.js';
import { TestSystem } from './support/system.js';

describe('the audit trail and the list of rounds', () => {
  const system = new TestSystem();
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });

  beforeAll(async () => {
    await Promise.all([system.start(), db.connect()]);
  });

  afterAll(async () => {
    await Promise.all([system.stop(), db.end()]);
  });

  describe('audit', () => {
    let id: string;

    beforeAll(async () => {
      id = await startRound(system, { templateKey: 'kurzverfahren', title: 'Protokollpflichtig' });
      await system.request('POST', `/api/v1/rounds/${id}/stages/fachausschuss/decision`, { outcome: 'approved', votes: { yes: 9, no: 2, abstain: 0 } });
      await system.request('POST', `/api/v1/rounds/${id}/stages/ratsbeschluss/decision`, { outcome: 'approved', resolutionText: 'Beschlossen.' });
    });

    it('should list every change of the round as a hash chain, each entry pointing to the one before', async () => {
      const { status, body } = await system.request('GET', `/api/v1/rounds/${id}/audit`);
      expect(status).toBe(200);
      expect(body.next).toBeUndefined();
      expect(body.data.map((entry: { action: string }) => entry.action)).toEqual([
        'round.started',
        'stage.opened',
        'stage.decided',
        'stage.opened',
        'stage.decided',
        'round.completed',
      ]);
      body.data.forEach((entry: { position: number; prevHash: string | null; hash: string }, index: number) => {
        expect(entry.position).toBe(index + 1);
        expect(entry.prevHash).toBe(index === 0 ? null : body.data[index - 1].hash);
        expect(entry.hash).toMatch(/^[0-9a-f]{64}$/);
      });
      expect((await system.request('GET', `/api/v1/rounds/${id}/audit/verify`)).body).toEqual({ valid: true, entries: 6 });
    });

    it('should offer the trail as a JSON file to download and as a printable protocol', async () => {
      const download = await system.request('GET', `/api/v1/rounds/${id}/audit?download=true`);
      expect(download.headers.get('content-disposition')).toBe(`attachment; filename="audit-${id}.json"`);
      expect(download.body).toMatchObject({ roundId: id, verification: { valid: true, entries: 6 } });
      expect(download.body.entries).toHaveLength(6);
      const protocol = await system.request('GET', `/api/v1/rounds/${id}/audit/protocol`);
      expect(protocol.status).toBe(200);
      expect(protocol.headers.get('content-type')).toMatch(/^text\/html/);
      expect(protocol.body).toContain('Protokoll der Beteiligungsrunde');
      expect(protocol.body).toContain('Protokollpflichtig');
      expect(protocol.body).toContain('unverändert');
      expect((protocol.body.match(/<tr>/g) ?? []).length).toBe(7);
    });

    it('should find an entry changed directly in PostgreSQL and name it', async () => {
      const tampered = await startRound(system, { templateKey: 'kurzverfahren', title: 'Manipuliert' });
      await system.request('POST', `/api/v1/rounds/${tampered}/stages/fachausschuss/decision`, { outcome: 'approved' });
      expect((await system.request('GET', `/api/v1/rounds/${tampered}/audit/verify`)).body).toEqual({ valid: true, entries: 4 });

      await db.query(`UPDATE audit_entry SET actor = 'jemand-anders' WHERE round_id = $1 AND action = 'stage.decided'`, [tampered]);
      const verify = await system.request('GET', `/api/v1/rounds/${tampered}/audit/verify`);
      expect(verify.body).toMatchObject({ valid: false, firstBroken: { position: 3, reason: expect.stringContaining('does not match its hash') } });
      const protocol = await system.request('GET', `/api/v1/rounds/${tampered}/audit/protocol`, undefined, { 'accept-language': 'en' });
      expect(protocol.body).toContain('CHANGED: first broken entry 3');
    });

    it('should find an entry deleted directly in PostgreSQL, also the last one', async () => {
      const deleted = await startRound(system, { templateKey: 'kurzverfahren', title: 'Gelöscht' });
      await system.request('POST', `/api/v1/rounds/${deleted}/stages/fachausschuss/decision`, { outcome: 'rejected' });
      await roundWhen(system, deleted, (round) => round.status === 'completed');
      await db.query(`DELETE FROM audit_entry WHERE round_id = $1 AND chain_position = 2`, [deleted]);
      expect((await system.request('GET', `/api/v1/rounds/${deleted}/audit/verify`)).body).toMatchObject({ valid: false, firstBroken: { position: 2 } });

      const truncated = await startRound(system, { templateKey: 'kurzverfahren', title: 'Gekürzt' });
      await system.request('POST', `/api/v1/rounds/${truncated}/stages/fachausschuss/decision`, { outcome: 'rejected' });
      await roundWhen(system, truncated, (round) => round.status === 'completed');
      const entries = await auditOf(truncated);
      await db.query(`DELETE FROM audit_entry WHERE round_id = $1 AND chain_position = $2`, [truncated, entries.length]);
      expect((await system.request('GET', `/api/v1/rounds/${truncated}/audit/verify`)).body).toMatchObject({
        valid: false,
        firstBroken: { position: entries.length, reason: expect.stringContaining('missing') },
      });
    });

    it('should answer 404 for the audit of an unknown round', async () => {
      expect((await system.request('GET', '/api/v1/rounds/00000000-0000-4000-8000-000000000000/audit/verify')).status).toBe(404);
    });
  });

  describe('list', () => {
    // A tenant of its own, so that only this block's rounds are listed.
    const system = new TestSystem();
    const ids: Record<string, string> = {};

    afterAll(async () => {
      await system.stop();
    });

    beforeAll(async () => {
      await system.start();
      ids.radweg = await startRound(system, { templateKey: 'kurzverfahren', title: 'Radwegekonzept Nord' });
      ids.schule = await startRound(system, { templateKey: 'kurzverfahren', title: 'Schulentwicklungsplan' });
      ids.bad = await startRound(system, { templateKey: 'beschlussvorlage', templateVersion: 1, title: 'Hallenbad Sanierung', start: new Date(Date.now() - 20 * 86_400_000).toISOString() });
      ids.abgebrochen = await startRound(system, { templateKey: 'kurzverfahren', title: 'Radweg Süd' });
      await system.request('POST', `/api/v1/rounds/${ids.schule}/stages/fachausschuss/decision`, { outcome: 'approved' });
      await system.request('POST', `/api/v1/rounds/${ids.abgebrochen}/cancel`, { reason: 'zurückgezogen' });
      await roundWhen(system, ids.bad as string, (round) => stageOf(round, 'vorlage').overdue === true);
    });

    const list = async (query: string) => (await system.request('GET', `/api/v1/rounds${query}`)).body;
    const titles = (page: { data: { title: string }[] }) => page.data.map((round) => round.title).sort();

    it('should filter by status, template, current stage, body, overdue and words in the title', async () => {
      expect(titles(await list('?status=cancelled'))).toEqual(['Radweg Süd']);
      expect(titles(await list('?template=beschlussvorlage'))).toEqual(['Hallenbad Sanierung']);
      expect(titles(await list('?stage=ratsbeschluss'))).toEqual(['Schulentwicklungsplan']);
      expect(titles(await list('?body=fachausschuss&status=running'))).toEqual(['Radwegekonzept Nord']);
      expect(titles(await list('?overdue=true'))).toEqual(['Hallenbad Sanierung']);
      expect(titles(await list('?q=radweg'))).toEqual(['Radweg Süd', 'Radwegekonzept Nord']);
      expect(titles(await list('?q=radweg%20nord'))).toEqual(['Radwegekonzept Nord']);
    });

    it('should show the open stages, next deadline and overdue flag of each round', async () => {
      const page = await list('?template=beschlussvorlage');
      expect(page.data[0]).toMatchObject({
        id: ids.bad,
        status: 'running',
        overdue: true,
        openStages: [{ key: 'vorlage', overdue: true }],
        nextDeadlineAt: expect.any(String),
      });
    });

    it('should page through the rounds with a cursor, in the requested order, each round once', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await list(`?sort=title&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.data.map((round: { title: string }) => round.title));
        cursor = page.next;
      } while (cursor);
      expect(seen).toEqual(['Hallenbad Sanierung', 'Radweg Süd', 'Radwegekonzept Nord', 'Schulentwicklungsplan']);
      const newestFirst = await list('?sort=-createdAt&limit=1');
      expect(newestFirst.data[0].title).toBe('Radweg Süd');
    });

    it('should refuse bad query parameters with the parameter named', async () => {
      for (const [query, field] of [
        ['?status=vergessen', 'status'],
        ['?limit=0', 'limit'],
        ['?limit=1000', 'limit'],
        ['?sort=laune', 'sort'],
        ['?cursor=kaputt', 'cursor'],
        ['?farbe=rot', 'farbe'],
      ] as const) {
        const response = await system.request('GET', `/api/v1/rounds${query}`);
        expect(response.status).toBe(400);
        expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: expect.stringMatching(new RegExp(`^${field}`)) })]));
      }
    });
  });
});
