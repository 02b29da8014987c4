import pg from 'pg';

/** The channel a statement that writes notifications NOTIFYs on commit (migration OutboxWakeup). */
export const OUTBOX_CHANNEL = 'ratsweg_outbox';
/** How the listening connection shows in pg_stat_activity. */
export const OUTBOX_LISTENER_APPLICATION = 'ratsweg-outbox-listener';

export interface OutboxListenerOptions {
  url: string;
  /** Shown after OUTBOX_LISTENER_APPLICATION in pg_stat_activity (the tenant of the dispatcher). */
  name: string;
  /** Called for every wake-up, and once each time listening (re)starts: what was written meanwhile is due. */
  onWake: () => void;
  onLost: (reason: string) => void;
  /** Wait before connecting again after the connection was lost or refused. */
  retryMs: number;
}

/**
 * Listens for new notifications on a connection of its own (a pooled one would be handed to
 * queries). Only a wake-up: the dispatcher polls as well, so while this connection is down
 * nothing is lost, the next poll just comes later than a wake-up would have.
 */
export class OutboxListener {
  private client?: pg.Client;
  private retry?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly options: OutboxListenerOptions) {}

  /** Connects and listens; a failure is reported through `onLost` and retried, never thrown. */
  async start(): Promise<void> {
    if (this.stopped || this.client) return;
    const client = new pg.Client({ connectionString: this.options.url, application_name: `${OUTBOX_LISTENER_APPLICATION}:${this.options.name}`, connectionTimeoutMillis: 5_000 });
    client.on('notification', () => this.options.onWake());
    client.on('error', (error) => this.lost(client, error.message));
    client.on('end', () => this.lost(client, 'connection closed'));
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (error) {
      this.lost(client, error instanceof Error ? error.message : String(error));
      return;
    }
    if (this.client === client) this.options.onWake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private lost(client: pg.Client, reason: string): void {
    if (this.client !== client) return; // already replaced, or stopped
    this.client = undefined;
    client.removeAllListeners('notification');
    client.on('error', () => undefined); // a late error of the dropped connection
    void client.end().catch(() => undefined);
    if (this.stopped) return;
    this.options.onLost(reason);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.start();
    }, this.options.retryMs);
  }
}
