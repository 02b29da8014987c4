import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessTemplate } from '@ratsweg/domain';
import { roundWhen, stageOf, startRound, uploadTemplate } from './support/rounds.js';
import { TestSystem, type HttpResult } from './support/system.js';

const title = { de: 'Test', en: 'Test' };

/** A draft, then a public consultation the administrator opens and closes by deciding. */
const consultationTemplate: ProcessTemplate = {
  key: 'test-web-beteiligung',
  version: 1,
  title,
  stages: [
    { key: 'entwurf', type: 'drafting', title, deadline: { offset: 'P30D' }, outcomes: { completed: { to: 'next' } } },
    {
      key: 'online-diskussion',
      type: 'public_consultation',
      title: { de: 'Öffentliche Online-Diskussion', en: 'Public online discussion' },
      deadline: { offset: 'P30D' },
      outcomes: { completed: { to: 'next' } },
    },
    { key: 'auswertung', type: 'drafting', title, deadline: { offset: 'P30D' }, outcomes: { completed: { to: 'end' } } },
  ],
};

const anonymous = { authorization: '' };
const html = { authorization: '', accept: 'text/html,application/xhtml+xml' };

function expectProblem(response: HttpResult, status: number): void {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
}

function expectIndexHtml(response: HttpResult): void {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  expect(response.body).toContain('<div id="root"></div>');
  expect(response.headers.get('cache-control')).toBe('no-cache');
  // The API's Content-Security-Policy holds for the application too: scripts from this origin only.
  expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
  expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
}

describe('the web application served by the API', () => {
  const system = new TestSystem();

  beforeAll(async () => {
    await system.start();
    await uploadTemplate(system, consultationTemplate, 1);
  });

  afterAll(async () => {
    await system.stop();
  });

  it('should answer / and every client-side route with index.html, without inline scripts', async () => {
    for (const path of ['/', '/anmelden', '/runden', `/runden/${randomUUID()}`, `/beteiligung/${randomUUID()}?x=1`, '/gibt/es/nicht']) {
      const response = await system.request('GET', path, undefined, html);
      expectIndexHtml(response);
      expect(response.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    }
    expect(system.api?.log).toMatch(/Serving the web application from \S+apps\/web\/dist/);
  });

  it('should serve the built files, hashed ones for a year, and 404 Problem Details for files that do not exist', async () => {
    const assets = readdirSync(join(process.cwd(), 'apps/web/dist/assets'));
    const script = assets.find((name) => name.endsWith('.js'));
    expect(script).toBeDefined();
    const response = await fetch(`${system.apiUrl}/assets/${script}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expectProblem(await system.request('GET', '/assets/index-gibtesnicht.js', undefined, anonymous), 404);
    expectProblem(await system.request('GET', '/favicon.ico', undefined, anonymous), 404);
  });

  it('should never answer API paths with the application: unknown ones stay Problem Details 404', async () => {
    for (const path of ['/api', '/api/v1/gibt-es-nicht', '/api/v1/rounds/x/y/z', '/oparl/v1/gibt/es/nicht/hier', '/health', '/health/gibt-es-nicht', '/metrics/x']) {
      const response = await system.request('GET', path, undefined, html);
      expectProblem(response, 404);
    }
    // Known API routes keep their answers and their access rules.
    expect((await system.request('GET', '/api/v1/rounds', undefined, html)).status).toBe(401);
    expect((await system.request('GET', '/health/live', undefined, html)).status).toBe(200);
  });

  it('should keep the application out of the OpenAPI document', async () => {
    const document = await system.request('GET', '/api/docs-json');
    const paths = Object.keys(document.body.paths as Record<string, unknown>);
    expect(paths.filter((path) => !path.startsWith('/api/') && !path.startsWith('/oparl/') && !path.startsWith('/health/') && path !== '/metrics')).toEqual([]);
  });

  it("should tell the public only a round's consultation facts, in their language, as the consultation opens and closes", async () => {
    const roundId = await startRound(system, { templateKey: consultationTemplate.key, templateVersion: 1, title: 'Leitlinien Radverkehr', parameters: { aktenzeichen: 'VL-2026-17' } });
    const consultation = (headers: Record<string, string> = anonymous) => system.request('GET', `/api/v1/rounds/${roundId}/consultation`, undefined, headers);

    const upcoming = await consultation();
    expect(upcoming.status).toBe(200);
    expect(upcoming.body).toEqual({
      roundId,
      title: 'Leitlinien Radverkehr',
      roundStatus: 'running',
      stage: { key: 'online-diskussion', title: 'Öffentliche Online-Diskussion', state: 'upcoming' },
      commentCount: 0,
      visibleCommentCount: 0,
      documents: [],
    });
    // Staff-only facts (parameters, other stages, decisions, actors) are not there.
    expect(JSON.stringify(upcoming.body)).not.toContain('VL-2026-17');
    expect(JSON.stringify(upcoming.body)).not.toContain('entwurf');

    expect((await system.request('POST', `/api/v1/rounds/${roundId}/stages/entwurf/decision`, { outcome: 'completed' })).status).toBe(200);
    const opened = await roundWhen(system, roundId, (round) => stageOf(round, 'online-diskussion').status === 'open');
    const open = await consultation({ ...anonymous, 'accept-language': 'en' });
    expect(open.body.stage).toEqual({
      key: 'online-diskussion',
      title: 'Public online discussion',
      state: 'open',
      openedAt: stageOf(opened, 'online-diskussion').openedAt,
      deadline: stageOf(opened, 'online-diskussion').deadline,
    });
    expect(open.headers.get('content-language')).toBe('en');

    expect((await system.request('POST', `/api/v1/rounds/${roundId}/comments`, { text: 'Mehr Abstellplätze', privacyAccepted: true }, anonymous)).status).toBe(201);
    const hidden = await system.request('POST', `/api/v1/rounds/${roundId}/comments`, { text: 'Beleidigung', privacyAccepted: true }, anonymous);
    expect((await system.request('POST', `/api/v1/rounds/${roundId}/comments/${hidden.body.id as string}/hide`, { reason: 'Beleidigung' })).status).toBe(200);
    expect((await consultation()).body).toMatchObject({ commentCount: 2, visibleCommentCount: 1 });

    expect((await system.request('POST', `/api/v1/rounds/${roundId}/stages/online-diskussion/decision`, { outcome: 'completed' })).status).toBe(200);
    await roundWhen(system, roundId, (round) => stageOf(round, 'online-diskussion').status === 'completed');
    const closed = await consultation();
    expect(closed.body.stage).toMatchObject({ state: 'closed', closedAt: expect.any(String) });
    expect(closed.body).toMatchObject({ commentCount: 2, visibleCommentCount: 1 });
  });

  it('should answer a round without a public consultation with no stage, and an unknown round with 404', async () => {
    const roundId = await startRound(system, { templateKey: 'kurzverfahren', title: 'Ohne Beteiligung' });
    const response = await system.request('GET', `/api/v1/rounds/${roundId}/consultation`, undefined, anonymous);
    expect(response.body).toMatchObject({ roundId, title: 'Ohne Beteiligung', stage: null, commentCount: 0 });
    expectProblem(await system.request('GET', `/api/v1/rounds/${randomUUID()}/consultation`, undefined, anonymous), 404);
    expectProblem(await system.request('GET', '/api/v1/rounds/keine-runde/consultation', undefined, anonymous), 404);
  });
});

describe('the API without a built web application', () => {
  const system = new TestSystem({ env: { WEB_DIST_DIR: join(process.cwd(), 'tmp', `no-web-${randomUUID()}`) } });

  beforeAll(async () => {
    await system.startApi();
  });

  afterAll(async () => {
    await system.stop();
  });

  it('should start all the same, say so in its log, and answer / with a 404', async () => {
    expect(system.api?.log).toMatch(/No web application at \S+no-web-/);
    expectProblem(await system.request('GET', '/', undefined, html), 404);
    expect((await system.request('GET', '/api/v1/me')).status).toBe(200);
  });
});
