import { createHash } from 'node:crypto';
import { auditOf, startRound } from './support/rounds.js';
import { TestSystem } from './support/system.js';

describe('documents attached to stages', () => {
  const system = new TestSystem();
  let roundId: string;
  const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(200_000, 7), Buffer.from('\n%%EOF\n')]);

  const upload = (path: string, body: Buffer | string, contentType: string) =>
    fetch(`${system.apiUrl}${path}`, { method: 'POST', headers: { ...system.authHeaders(), 'content-type': contentType }, body });

  beforeAll(async () => {
    await system.start();
    roundId = await startRound(system, { templateKey: 'kurzverfahren', title: 'Mit Anlagen' });
  });

  afterAll(async () => {
    await system.stop();
  });

  it('should store a file with its size and SHA-512, list it, serve it unchanged and audit it', async () => {
    const response = await upload(`/api/v1/rounds/${roundId}/stages/fachausschuss/files?name=${encodeURIComponent('Leitlinien Entwurf.pdf')}`, pdf, 'application/pdf');
    expect(response.status).toBe(201);
    const stored = (await response.json()) as { id: string; size: number; sha512: string; name: string; downloadUrl: string };
    expect(stored).toMatchObject({ name: 'Leitlinien Entwurf.pdf', size: pdf.length, sha512: createHash('sha512').update(pdf).digest('hex') });

    const list = await system.request('GET', `/api/v1/rounds/${roundId}/files`);
    expect(list.body.data.map((file: { id: string }) => file.id)).toEqual([stored.id]);

    const download = await fetch(`${system.apiUrl}${stored.downloadUrl}`, { headers: system.authHeaders() });
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-disposition')).toContain("filename*=UTF-8''Leitlinien%20Entwurf.pdf");
    expect(Buffer.from(await download.arrayBuffer()).equals(pdf)).toBe(true);

    const audit = await auditOf(roundId);
    expect(audit.filter((row) => row.action === 'stage.file_attached').map((row) => row.details?.sha512)).toEqual([stored.sha512]);
    expect((await system.request('GET', `/api/v1/rounds/${roundId}/audit/verify`)).body).toMatchObject({ valid: true });
  });

  it('should refuse files of other types, without a name, empty, or for unknown stages, and store nothing', async () => {
    const before = (await system.request('GET', `/api/v1/rounds/${roundId}/files`)).body.data.length;
    expect((await upload(`/api/v1/rounds/${roundId}/stages/fachausschuss/files?name=x.exe`, Buffer.from('MZ'), 'application/x-msdownload')).status).toBe(415);
    expect((await upload(`/api/v1/rounds/${roundId}/stages/fachausschuss/files?name=x.json`, '{"a":1}', 'application/json')).status).toBe(415);
    expect((await upload(`/api/v1/rounds/${roundId}/stages/fachausschuss/files`, pdf, 'application/pdf')).status).toBe(400);
    expect((await upload(`/api/v1/rounds/${roundId}/stages/fachausschuss/files?name=..%2F..%2Fetc`, pdf, 'application/pdf')).status).toBe(400);
    expect((await upload(`/api/v1/rounds/${roundId}/stages/fachausschuss/files?name=leer.pdf`, Buffer.alloc(0), 'application/pdf')).status).toBe(400);
    expect((await upload(`/api/v1/rounds/${roundId}/stages/gibt-es-nicht/files?name=a.pdf`, pdf, 'application/pdf')).status).toBe(404);
    expect((await upload(`/api/v1/rounds/00000000-0000-4000-8000-000000000000/stages/fachausschuss/files?name=a.pdf`, pdf, 'application/pdf')).status).toBe(404);
    expect((await system.request('GET', `/api/v1/rounds/${roundId}/files`)).body.data.length).toBe(before);
    expect((await system.request('GET', '/api/v1/files/00000000-0000-4000-8000-000000000000/content')).status).toBe(404);
  });
});
