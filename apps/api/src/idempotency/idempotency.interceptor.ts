import { Readable } from 'node:stream';
import { Inject, Injectable, Logger, StreamableFile, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import { IdempotencyRepository, type IdempotencyRecord } from '@ratsweg/persistence';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, of, type Observable } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/principal.js';
import { ProblemException, text } from '../problem-details/problem.exception.js';
import {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENCY_REPLAYED_HEADER,
  idempotencyKeyOf,
  openAnswer,
  requestFingerprint,
  sealAnswer,
  sha256,
  type StoredBody,
} from './idempotency.util.js';

/** A first attempt that has run this long is taken to have crashed: the same request may run again. */
const LEASE_SECONDS = 300;
/** How often a write of a key's record is retried while the database is down. */
const RECORD_RETRY_MS = 1_000;
/** Expired records are deleted at most this often (per process); claims take expired records over anyway. */
const PURGE_INTERVAL_MS = 10 * 60_000;
/** Seconds a client should wait while the first request with its key still runs. */
const IN_PROGRESS_RETRY_AFTER = '1';
/**
 * Headers that belong to one transmission, not to the answer. Cookies are not replayed: a session
 * cookie is set once; the answer of a sign-in carries the bearer token anyway.
 */
const TRANSMISSION_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date', 'set-cookie', IDEMPOTENCY_REPLAYED_HEADER]);

type Request = FastifyRequest & AuthenticatedRequest;

/**
 * `Idempotency-Key` on every POST: the first request with a key runs and its answer (status,
 * headers such as Location, body) is stored for 24 hours; the same request with the same key gets
 * that answer again (marked `Idempotency-Replayed: true`) and does nothing. Keys belong to the
 * caller; a request that fails leaves its key free for a retry.
 *
 * Guards run first, so only an authorised caller claims a key; pipes run inside the handler, so
 * an invalid body fails the request and frees the key.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger(IdempotencyInterceptor.name);
  private lastPurge = 0;

  constructor(
    @Inject(RATSWEG_CONFIG) private readonly config: RatswegConfig,
    @Inject(IdempotencyRepository) private readonly records: IdempotencyRepository,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request>();
    if (request.method !== 'POST') return next.handle();
    const key = idempotencyKeyOf(request.headers[IDEMPOTENCY_KEY_HEADER]);
    if (key === undefined) return next.handle();

    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const tenant = this.config.RATSWEG_TENANT;
    // Public routes have no principal: their callers are told apart by address.
    const actor = request.principal?.actor ?? `anonymous:${request.ip}`;
    const path = request.url.split('?')[0] ?? request.url;
    const fingerprint = requestFingerprint(request.method, request.url, request.body, request.headers['content-type']);
    const sealContext = `${tenant} ${actor}`;
    this.purgeNowAndThen(tenant);

    const outcome = await this.records.claim({ tenant, actor, keyHash: sha256(key), method: request.method, path, fingerprint, leaseSeconds: LEASE_SECONDS });
    if (!outcome.claimed) return of(this.replay(outcome.existing, fingerprint, key, sealContext, reply));

    const headersBefore = new Map(Object.entries(reply.getHeaders()).map(([name, value]) => [name, JSON.stringify(value)]));
    // A promise, not the handler's stream: once the work is done its answer is stored even if the client went away.
    return from(this.runFirst(next, reply, headersBefore, { tenant, claimId: outcome.claimId, key, sealContext }));
  }

  private async runFirst(
    next: CallHandler,
    reply: FastifyReply,
    headersBefore: Map<string, string>,
    claim: { tenant: string; claimId: string; key: string; sealContext: string },
  ): Promise<unknown> {
    let body: unknown;
    try {
      body = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (error) {
      await this.writeRecord('free an idempotency key', () => this.records.release(claim.tenant, claim.claimId));
      throw error;
    }
    try {
      const stored = reply.sent ? undefined : storedBody(body);
      if (!stored) {
        // A stream, or an answer the handler sent itself (`@Res()`), cannot be replayed: the key stays free.
        await this.records.release(claim.tenant, claim.claimId);
        return body;
      }
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(reply.getHeaders())) {
        // What the handler set; headers that hooks set on every answer (security headers) are set on the replay anyway.
        if (headersBefore.get(name) === JSON.stringify(value) || TRANSMISSION_HEADERS.has(name) || value === undefined) continue;
        headers[name] = Array.isArray(value) ? value.map(String) : String(value);
      }
      const sealed = sealAnswer({ body: stored }, claim.key, claim.sealContext);
      const status = reply.statusCode;
      // The work is done: the caller gets its answer even if storing it has to wait for the database.
      await this.writeRecord('store the answer of an idempotent request', async () => {
        if (!(await this.records.complete(claim.tenant, claim.claimId, status, headers, sealed))) {
          this.logger.warn('an idempotency key was taken over while its first request ran; its answer is not stored');
        }
      });
    } catch (error) {
      this.logger.error(`could not store the answer of an idempotent request: ${error instanceof Error ? error.message : String(error)}`);
    }
    return body;
  }

  /**
   * Writes the key's record (frees it after a failure, or stores the answer). While the database is
   * down — the likely reason a request failed — the write is retried in the background every second
   * for the length of the lease, so that the client's retry after the outage runs (or gets the
   * stored answer) instead of `409 idempotency-key-in-progress` until the lease expires.
   */
  private async writeRecord(what: string, write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      this.logger.warn(`could not ${what} yet, retrying: ${error instanceof Error ? error.message : String(error)}`);
      void this.retryWrite(what, write, Date.now() + LEASE_SECONDS * 1000);
    }
  }

  private async retryWrite(what: string, write: () => Promise<void>, giveUp: number): Promise<void> {
    while (Date.now() < giveUp) {
      await new Promise((resolve) => setTimeout(resolve, RECORD_RETRY_MS));
      try {
        await write();
        this.logger.log(`could ${what} after the database came back`);
        return;
      } catch {
        // still down
      }
    }
    this.logger.error(`could not ${what}; the key is free again when its lease ends`);
  }

  private replay(existing: IdempotencyRecord, fingerprint: string, key: string, sealContext: string, reply: FastifyReply): unknown {
    if (existing.fingerprint !== fingerprint) {
      throw new ProblemException(
        'idempotency-key-reused',
        text(
          `Dieser Idempotency-Key gehört zu einer anderen Anfrage (${existing.method} ${existing.path}); für eine neue Anfrage bitte einen neuen Schlüssel verwenden.`,
          `This Idempotency-Key belongs to another request (${existing.method} ${existing.path}); use a new key for a new request.`,
        ),
      );
    }
    if (existing.state === 'pending' || existing.status === null || existing.responseBody === null) {
      throw new ProblemException(
        'idempotency-key-in-progress',
        text('Die erste Anfrage mit diesem Idempotency-Key läuft noch.', 'The first request with this Idempotency-Key is still running.'),
        undefined,
        { 'retry-after': IN_PROGRESS_RETRY_AFTER },
      );
    }
    const answer = openAnswer(existing.responseBody, key, sealContext);
    void reply.status(existing.status);
    for (const [name, value] of Object.entries(existing.responseHeaders ?? {})) void reply.header(name, value);
    void reply.header(IDEMPOTENCY_REPLAYED_HEADER, 'true');
    switch (answer.body.kind) {
      case 'json':
        return answer.body.value;
      case 'text':
        return answer.body.value;
      case 'bytes':
        return Buffer.from(answer.body.base64, 'base64');
      case 'empty':
        return undefined;
    }
  }

  private purgeNowAndThen(tenant: string): void {
    const now = Date.now();
    if (now - this.lastPurge < PURGE_INTERVAL_MS) return;
    this.lastPurge = now;
    void this.records.purgeExpired(tenant).then(
      (count) => {
        if (count > 0) this.logger.log(`purged ${count} expired idempotency records`);
      },
      (error: unknown) => this.logger.warn(`could not purge expired idempotency records: ${String(error)}`),
    );
  }
}

/** The answer body in a form that can be stored; undefined for streams, which cannot be replayed. */
function storedBody(body: unknown): StoredBody | undefined {
  if (body === undefined || body === null) return { kind: 'empty' };
  if (Buffer.isBuffer(body)) return { kind: 'bytes', base64: body.toString('base64') };
  if (typeof body === 'string') return { kind: 'text', value: body };
  if (body instanceof StreamableFile || body instanceof Readable || body instanceof ReadableStream) return undefined;
  return { kind: 'json', value: JSON.parse(JSON.stringify(body)) as unknown };
}
