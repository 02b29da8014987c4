import type { Round, RoundChange, RoundState } from '@ratsweg/domain';
import { SEARCH_ATTRIBUTES, type RoundActivities } from '@ratsweg/contracts';
import { patched, proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';

const { recordRoundChange } = proxyActivities<RoundActivities>({
  startToCloseTimeout: '30 seconds',
  // A recording is never given up: the read model, audit trail and outbox depend on it.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * Since v0.2.0 search attributes are upserted only when they change, which keeps an upsert
 * event out of the history of every reminder over years. Runs begun before keep upserting on
 * every recording (see "Changing workflow code safely" in the README).
 */
export const PATCH_SEARCH_ATTRIBUTES_ON_CHANGE = 'search-attributes-on-change';

/**
 * Records each change of a round through one idempotent activity. The sequence number
 * keys the recording (workflow id + seq), so a retried activity never records twice.
 */
export class RoundRecorder {
  private lastAttributes?: string;

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
    const status = state.status;
    const openStages = round.openStageKeys;
    const attributes = JSON.stringify([status, openStages]);
    if (!patched(PATCH_SEARCH_ATTRIBUTES_ON_CHANGE) || attributes !== this.lastAttributes) {
      upsertSearchAttributes([
        { key: SEARCH_ATTRIBUTES.status, value: status },
        { key: SEARCH_ATTRIBUTES.currentStage, value: openStages },
      ]);
      this.lastAttributes = attributes;
    }
    const { workflowId, runId } = workflowInfo();
    await recordRoundChange({ workflowId, runId, tenant: this.tenant, seq: this.seq, state, changes });
    return state;
  }
}

function snapshot(state: Readonly<RoundState>): RoundState {
  return JSON.parse(JSON.stringify(state)) as RoundState;
}
