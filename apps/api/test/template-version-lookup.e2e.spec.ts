import { kurzverfahrenTemplate } from '@ratsweg/domain';
import { TestSystem } from './support/system.js';

describe('which template version a round starts from', () => {
  const system = new TestSystem();

  beforeAll(async () => {
    await system.start();
    const newer = {
      ...kurzverfahrenTemplate,
      version: 2,
      stages: kurzverfahrenTemplate.stages.map((stage) => (stage.key === 'fachausschuss' ? { ...stage, title: { de: 'Vorberatung', en: 'Preliminary deliberation' } } : stage)),
    };
    const stored = await system.request('POST', '/api/v1/templates', newer);
    expect(stored.status).toBe(201);
  });

  afterAll(async () => {
    await system.stop();
  });

  it('should start from the newest version, stored or shipped, when none is named', async () => {
    const created = await system.request('POST', '/api/v1/rounds', { templateKey: 'kurzverfahren', title: 'Neueste Fassung' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ templateKey: 'kurzverfahren', templateVersion: 2 });
    expect(created.body.stages[0].title).toBe('Vorberatung');
  });

  it('should start from the shipped version when it is named', async () => {
    const created = await system.request('POST', '/api/v1/rounds', { templateKey: 'kurzverfahren', templateVersion: 1, title: 'Erste Fassung' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ templateVersion: 1 });
    expect(created.body.stages[0].title).toBe('Beratung im Fachausschuss');
  });

  it('should refuse a version that does not exist, naming the field', async () => {
    const refused = await system.request('POST', '/api/v1/rounds', { templateKey: 'kurzverfahren', templateVersion: 3, title: 'Keine Fassung' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'templateVersion' })]);
  });
});
