import type { Round, RoundChange, RoundState } from '@ratsweg/domain';
import { SEARCH_ATTRIBUTES, type RoundActivities } from '@ratsweg/contracts';
import { proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';

const { recordRoundChange } = proxyActivities<RoundActivities>({
  startToCloseTimeout: '30 seconds',
  // A recording is never given up: the read model, audit trail and outbox depend on it.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * Records each change of a round through one idempotent activity. The sequence number
 * keys the recording (workflow id + seq), so a retried activity never records twice.
 */
export class RoundRecorder {
  constructor(
    private readonly tenant: string,
    private seq = 0,
  ) {}

  get lastSeq(): number {
    return this.seq;
  }

  async record(round: Round, changes: RoundChange[]): Promise<RoundState> {
    const state = snapshot(round.state);
    this.seq += 1;
    upsertSearchAttributes([
      { key: SEARCH_ATTRIBUTES.status, value: state.status },
      { key: SEARCH_ATTRIBUTES.currentStage, value: round.openStageKeys },
    ]);
    const { workflowId, runId } = workflowInfo();
    await recordRoundChange({ workflowId, runId, tenant: this.tenant, seq: this.seq, state, changes });
    return state;
  }
}

function snapshot(state: Readonly<RoundState>): RoundState {
  return JSON.parse(JSON.stringify(state)) as RoundState;
}
