import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import { isUuid } from '@ratsweg/domain';
import { RoundRepository } from '@ratsweg/persistence';
import { PassThrough } from 'node:stream';
import { ProblemException, text } from '../problem-details/problem.exception.js';

/** How often each stream looks at the read model (one indexed row per second). */
export const SSE_POLL_MS = 1_000;
/** A comment line now and then keeps proxies from closing a quiet stream. */
export const SSE_HEARTBEAT_MS = 15_000;

interface OpenStream {
  owner: string;
  close(): void;
}

/**
 * Live updates as server-sent events: each open stream polls the round's read-model mark
 * (`seq` and `updated_at`; or, for the overview, the latest change of any round) once a second
 * and sends an event when it moved. Streams end after SSE_MAX_SECONDS (the browser's
 * EventSource reconnects by itself), when the client goes away, and when the API shuts down.
 */
@Injectable()
export class RoundEventsService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(RoundEventsService.name);
  private readonly open = new Set<OpenStream>();

  constructor(
    @Inject(RATSWEG_CONFIG) private readonly config: RatswegConfig,
    @Inject(RoundRepository) private readonly rounds: RoundRepository,
  ) {}

  private get tenant(): string {
    return this.config.RATSWEG_TENANT;
  }

  /** Opens a stream for `owner` (one user or key) on one round, or on every round without `roundId`. */
  async openStream(owner: string, roundId: string | undefined, onClientGone: (listener: () => void) => void, lastEventId?: string): Promise<PassThrough> {
    if (roundId !== undefined && !(isUuid(roundId) && (await this.rounds.changeMark(this.tenant, roundId)) !== null)) {
      throw new ProblemException('round-not-found', text(`Keine Beteiligungsrunde mit der Id ${roundId}.`, `No participation round with id ${roundId}.`));
    }
    const limit = this.config.SSE_MAX_CONNECTIONS_PER_USER;
    if ([...this.open].filter((stream) => stream.owner === owner).length >= limit) {
      throw new ProblemException(
        'rate-limited',
        text(`Höchstens ${limit} Live-Verbindungen gleichzeitig; bitte andere Fenster schließen.`, `At most ${limit} live connections at a time; please close other windows.`),
        undefined,
        { 'retry-after': '15' },
      );
    }
    // A reconnecting browser sends the mark it saw last: what changed in between is reported at the first look.
    let mark = lastEventId && lastEventId.length <= 100 ? lastEventId : await this.rounds.changeMark(this.tenant, roundId);
    const stream = new PassThrough();
    const timers: NodeJS.Timeout[] = [];
    let polling = false;
    const entry: OpenStream = {
      owner,
      close: () => {
        if (!this.open.delete(entry)) return;
        for (const timer of timers) clearTimeout(timer);
        stream.end();
      },
    };
    this.open.add(entry);
    stream.on('close', entry.close);
    onClientGone(entry.close);

    stream.write(`retry: 3000\n: ${roundId ? `round ${roundId}` : 'rounds'}\n\n`);
    timers.push(
      setInterval(() => {
        if (polling) return;
        polling = true;
        this.rounds.changeMark(this.tenant, roundId).then(
          (now) => {
            polling = false;
            if (!this.open.has(entry)) return;
            if (now === null) return entry.close();
            if (now !== mark) {
              mark = now;
              stream.write(`event: change\nid: ${now}\ndata: ${JSON.stringify({ roundId: roundId ?? null, mark: now })}\n\n`);
            }
          },
          (error: unknown) => {
            polling = false;
            this.logger.warn(`live updates: reading the read model failed, closing the stream: ${error instanceof Error ? error.message : String(error)}`);
            entry.close();
          },
        );
      }, SSE_POLL_MS),
      setInterval(() => stream.write(': heartbeat\n\n'), SSE_HEARTBEAT_MS),
      setTimeout(entry.close, this.config.SSE_MAX_SECONDS * 1_000),
    );
    return stream;
  }

  /** Open streams (for tests and metrics). */
  get openCount(): number {
    return this.open.size;
  }

  /** Ends every stream, so the HTTP server can close without waiting for them. */
  beforeApplicationShutdown(): void {
    for (const stream of [...this.open]) stream.close();
  }
}
