import type { RoundState } from '@ratsweg/domain';
import type { RoundRecording } from '@ratsweg/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditRepository, roundChain } from '../audit/audit.repository.js';
import { OutboxRepository } from '../notification/outbox.repository.js';
import { RoundEntity } from './round.entity.js';

/** Reads and writes the read model of rounds; every query is scoped to one tenant. */
export class RoundRepository {
  private readonly audit: AuditRepository;

  constructor(private readonly dataSource: DataSource) {
    this.audit = new AuditRepository(dataSource);
  }

  /** Shows a round as soon as its workflow has started; the first recording then takes over. */
  async insertStarted(workflowId: string, tenant: string, state: RoundState): Promise<void> {
    // Plain SQL, as the recordings write it: this runs on every round start (see the P2 benchmark).
    await this.dataSource.query(`${INSERT_ROUND} ON CONFLICT DO NOTHING`, roundParams(toRow(workflowId, tenant, state, 0)));
  }

  /**
   * Applies one recording of the round's workflow in a single transaction: the read model
   * moves forward only, and audit entries are keyed by (round, seq, position), so a retried
   * activity changes nothing.
   */
  async applyRecording(recording: RoundRecording): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await upsertForward(manager, recording);
      await this.audit.append(
        manager,
        recording.changes.map((change, position) => ({
          tenant: recording.tenant,
          chain: roundChain(recording.state.id),
          subjectType: 'round',
          subjectId: recording.state.id,
          roundId: recording.state.id,
          action: change.action,
          actor: change.actor,
          ...(change.stageKey ? { stageKey: change.stageKey } : {}),
          details: {
            ...(change.details ?? {}),
            ...(change.audiences ? { audiences: change.audiences } : {}),
            ...(change.occurrence ? { occurrence: change.occurrence } : {}),
          },
          occurredAt: new Date(change.at),
          idempotencyKey: `${recording.workflowId}:${recording.seq}:${position}`,
          seq: recording.seq,
          position,
        })),
      );
      await OutboxRepository.enqueue(manager, recording.tenant, recording.state, recording.seq, recording.changes);
    });
  }

  async findById(tenant: string, id: string): Promise<RoundEntity | null> {
    return this.dataSource.getRepository(RoundEntity).findOneBy({ tenant, id });
  }

  /**
   * A cheap fingerprint of the read model for live updates: one round's `seq` and `updated_at`,
   * or (without `id`) the latest change of any round of the tenant and their number. Null for an unknown round.
   */
  async changeMark(tenant: string, id?: string): Promise<string | null> {
    if (id) {
      const rows: { seq: number; updated_at: Date }[] = await this.dataSource.query(`SELECT "seq", "updated_at" FROM "round" WHERE "tenant" = $1 AND "id" = $2`, [tenant, id]);
      const row = rows[0];
      return row ? `${row.seq}:${new Date(row.updated_at).toISOString()}` : null;
    }
    const rows: { latest: Date | null; count: string }[] = await this.dataSource.query(`SELECT max("updated_at") AS "latest", count(*) AS "count" FROM "round" WHERE "tenant" = $1`, [tenant]);
    const row = rows[0];
    return `${row?.count ?? 0}:${row?.latest ? new Date(row.latest).toISOString() : '-'}`;
  }
}

const INSERT_ROUND = `INSERT INTO "round" ("id", "workflow_id", "tenant", "title", "template_key", "template_version", "status",
    "result", "cancel_reason", "open_stage_keys", "stages", "seq", "created_at", "updated_at",
    "next_reminder_at", "next_deadline_at", "meetings", "parameters", "standing_orders", "open_stage_bodies")
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`;

/** The parameters of `INSERT_ROUND`, in its column order. */
function roundParams(row: RoundEntity): unknown[] {
  return [
    row.id,
    row.workflowId,
    row.tenant,
    row.title,
    row.templateKey,
    row.templateVersion,
    row.status,
    row.result,
    row.cancelReason,
    row.openStageKeys,
    JSON.stringify(row.stages),
    row.seq,
    row.createdAt,
    row.updatedAt,
    row.nextReminderAt,
    row.nextDeadlineAt,
    JSON.stringify(row.meetings),
    JSON.stringify(row.parameters),
    row.standingOrders === null ? null : JSON.stringify(row.standingOrders),
    row.openStageBodies,
  ];
}

async function upsertForward(manager: EntityManager, recording: RoundRecording): Promise<void> {
  await manager.query(
    `${INSERT_ROUND}
     ON CONFLICT ("id") DO UPDATE SET
        "status" = EXCLUDED."status", "result" = EXCLUDED."result", "cancel_reason" = EXCLUDED."cancel_reason",
        "open_stage_keys" = EXCLUDED."open_stage_keys", "stages" = EXCLUDED."stages",
        "seq" = EXCLUDED."seq", "updated_at" = EXCLUDED."updated_at",
        "next_reminder_at" = EXCLUDED."next_reminder_at", "next_deadline_at" = EXCLUDED."next_deadline_at",
        "meetings" = EXCLUDED."meetings", "standing_orders" = EXCLUDED."standing_orders",
        "open_stage_bodies" = EXCLUDED."open_stage_bodies"
     WHERE "round"."seq" < EXCLUDED."seq"`,
    roundParams(toRow(recording.workflowId, recording.tenant, recording.state, recording.seq)),
  );
}

function toRow(workflowId: string, tenant: string, state: RoundState, seq: number): RoundEntity {
  const open = state.stages.filter((stage) => stage.status === 'open');
  return {
    id: state.id,
    workflowId,
    tenant,
    title: state.title,
    templateKey: state.templateKey,
    templateVersion: state.templateVersion,
    status: state.status,
    result: state.result ?? null,
    cancelReason: state.cancelReason ?? null,
    openStageKeys: open.map((stage) => stage.key),
    openStageBodies: [...new Set(open.flatMap((stage) => (stage.body ? [stage.body] : [])))],
    stages: state.stages,
    seq,
    createdAt: new Date(state.createdAt),
    updatedAt: new Date(state.updatedAt),
    meetings: state.meetings ?? {},
    parameters: state.parameters ?? {},
    standingOrders: state.standingOrders ?? null,
    nextReminderAt: earliest(open.flatMap((stage) => stage.reminders.filter((reminder) => !reminder.sentAt).map((reminder) => reminder.at))),
    nextDeadlineAt: earliest(open.flatMap((stage) => (stage.deadline ? [stage.deadline.at] : []))),
  };
}

function earliest(instants: string[]): Date | null {
  const sorted = instants.map((instant) => Date.parse(instant)).sort((a, b) => a - b);
  return sorted.length > 0 ? new Date(sorted[0] as number) : null;
}
