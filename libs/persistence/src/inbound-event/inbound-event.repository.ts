import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';

export type InboundEventStatus = 'processing' | 'applied' | 'rejected';

export interface InboundEventResult {
  /** The rounds the event was routed to. */
  rounds: string[];
}

export interface InboundEventProblem {
  status: number;
  code: string;
  detail?: string;
}

export interface InboundEventClaim {
  tenant: string;
  source: string;
  id: string;
  type: string;
  actor: string;
  fingerprint: string;
  time: Date | null;
  /** A `processing` row older than this is taken over by a repeated delivery (the first attempt crashed). */
  leaseSeconds: number;
}

export interface InboundEventRow {
  source: string;
  id: string;
  type: string;
  actor: string;
  fingerprint: string;
  status: InboundEventStatus;
  result: InboundEventResult | null;
  problem: InboundEventProblem | null;
  receivedAt: Date;
  lockedUntil: Date;
}

export type InboundEventClaimOutcome = { claimed: true; claimId: string; receivedAt: Date } | { claimed: false; existing: InboundEventRow };

const COLUMNS = `"source", "event_id" AS "id", "type", "actor", "fingerprint", "status", "result", "problem", "received_at" AS "receivedAt", "locked_until" AS "lockedUntil"`;

/** Events received from integrations, once per source and id. */
export class InboundEventRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records the event as being applied, or returns the earlier delivery of it. A delivery that was
   * refused is tried again (the rounds may accept it now), and so is one whose first attempt
   * crashed (its lease ran out).
   */
  async claim(claim: InboundEventClaim): Promise<InboundEventClaimOutcome> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const claimId = randomUUID();
      const claimed = (await this.dataSource.query(
        `INSERT INTO "inbound_event" AS e ("tenant", "source", "event_id", "type", "actor", "fingerprint", "event_time", "status", "claim_id", "locked_until")
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'processing', $8, now() + make_interval(secs => $9::int))
         ON CONFLICT ("tenant", "source", "event_id") DO UPDATE SET
           "type" = EXCLUDED."type", "actor" = EXCLUDED."actor", "fingerprint" = EXCLUDED."fingerprint", "event_time" = EXCLUDED."event_time",
           "status" = 'processing', "claim_id" = EXCLUDED."claim_id", "locked_until" = EXCLUDED."locked_until", "result" = NULL, "problem" = NULL,
           "received_at" = now(), "completed_at" = NULL
         WHERE e."status" = 'rejected'
            OR (e."status" = 'processing' AND e."locked_until" <= now() AND e."fingerprint" = EXCLUDED."fingerprint")
         RETURNING "received_at" AS "receivedAt"`,
        [claim.tenant, claim.source, claim.id, claim.type, claim.actor, claim.fingerprint, claim.time, claimId, claim.leaseSeconds],
      )) as { receivedAt: Date }[];
      if (claimed[0]) return { claimed: true, claimId, receivedAt: claimed[0].receivedAt };
      const existing = await this.find(claim.tenant, claim.source, claim.id);
      if (existing) return { claimed: false, existing };
    }
    throw new Error('could not record an inbound event: its row kept changing');
  }

  async find(tenant: string, source: string, id: string): Promise<InboundEventRow | null> {
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM "inbound_event" WHERE "tenant" = $1 AND "source" = $2 AND "event_id" = $3`, [
      tenant,
      source,
      id,
    ])) as InboundEventRow[];
    return rows[0] ?? null;
  }

  async markApplied(tenant: string, claimId: string, result: InboundEventResult): Promise<void> {
    await this.dataSource.query(
      `UPDATE "inbound_event" SET "status" = 'applied', "result" = $3, "completed_at" = now() WHERE "tenant" = $1 AND "claim_id" = $2 AND "status" = 'processing'`,
      [tenant, claimId, JSON.stringify(result)],
    );
  }

  async markRejected(tenant: string, claimId: string, problem: InboundEventProblem): Promise<void> {
    await this.dataSource.query(
      `UPDATE "inbound_event" SET "status" = 'rejected', "problem" = $3, "completed_at" = now() WHERE "tenant" = $1 AND "claim_id" = $2 AND "status" = 'processing'`,
      [tenant, claimId, JSON.stringify(problem)],
    );
  }

  /** Forgets a delivery that failed for a passing reason, so that the sender's retry is applied. */
  async release(tenant: string, claimId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM "inbound_event" WHERE "tenant" = $1 AND "claim_id" = $2 AND "status" = 'processing'`, [tenant, claimId]);
  }
}
