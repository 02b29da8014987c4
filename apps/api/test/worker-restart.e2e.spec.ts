import { TestSystem } from './support/system.js';

describe('a round survives its worker', () => {
  const system = new TestSystem();

  beforeAll(async () => {
    await system.start();
  });

  afterAll(async () => {
    await system.stop();
  });

  it('should continue and complete with a new worker after the old one stopped while the round waited', async () => {
    const created = await system.request('POST', '/api/v1/rounds', { templateKey: 'kurzverfahren', title: 'Neustart' });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    const first = await system.request('POST', `/api/v1/rounds/${id}/stages/fachausschuss/decision`, { outcome: 'approved' });
    expect(first.status).toBe(200);

    const stopped = await system.worker?.stop('SIGTERM');
    expect(stopped).toEqual({ code: 0, signal: null });

    // The decision is sent while no worker runs: it waits in Temporal and is applied by the next worker.
    const pending = system.request('POST', `/api/v1/rounds/${id}/stages/ratsbeschluss/decision`, { outcome: 'approved' });
    await system.startWorker();
    const second = await pending;
    expect(second.status).toBe(200);
    expect(second.body.status).toBe('completed');

    const read = await system.request('GET', `/api/v1/rounds/${id}`);
    expect(read.body).toMatchObject({ status: 'completed', stages: [{ status: 'completed' }, { status: 'completed' }] });
    expect(read.body.stages[1].decisions).toHaveLength(1);
  });

  it('should exit non-zero when it cannot reach Temporal', async () => {
    const broken = new TestSystem();
    Object.assign(broken.env, { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    const worker = broken.startWorker();
    await expect(worker).rejects.toThrow(/exited \(1\)/);
  });

  it('should exit non-zero with a clear message when the configuration is invalid', async () => {
    const broken = new TestSystem();
    Object.assign(broken.env, { DATABASE_URL: 'mysql://nope' });
    await expect(broken.startWorker()).rejects.toThrow(/DATABASE_URL: must be a postgres:\/\/ URL/);
  });
});
