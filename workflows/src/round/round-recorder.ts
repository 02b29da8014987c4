import type { Round, RoundChange, RoundState } from '@ratsweg/domain';
import { SEARCH_ATTRIBUTES, type RoundActivities, type RoundRecording } from '@ratsweg/contracts';
import { CancelledFailure, patched, proxyActivities, proxyLocalActivities, upsertSearchAttributes, TemporalFailure, workflowInfo } from '@temporalio/workflow';

/** The durable way: a recording is never given up, the read model, audit trail and outbox depend on it. */
const { recordRoundChange } = proxyActivities<RoundActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * The fast way: in the worker that runs the workflow task, without a task of its own. A few quick
 * attempts only: a longer retry would add to the history for as long as the database is away.
 */
const { recordRoundChange: recordRoundChangeLocally } = proxyLocalActivities<RoundActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumAttempts: 3 },
});

/**
 * Since v0.2.0 search attributes are upserted only when they change, which keeps an upsert
 * event out of the history of every reminder over years. Runs begun before keep upserting on
 * every recording (see "Changing workflow code safely" in the README).
 */
export const PATCH_SEARCH_ATTRIBUTES_ON_CHANGE = 'search-attributes-on-change';

/**
 * Since v0.4.0 a recording runs as a local activity (falling back to the durable activity when it
 * fails), and search attributes the run already has — e.g. those the API started it with — are not
 * upserted again. A local activity leaves one marker in the history instead of an activity task
 * with the whole state as its input, and no second workflow task.
 */
export const PATCH_RECORD_LOCALLY = 'record-locally';

/**
 * Records each change of a round through one idempotent activity. The sequence number
 * keys the recording (workflow id + seq), so a retried activity never records twice — also
 * when the local attempt did commit before it timed out and the durable one applies it again.
 */
export class RoundRecorder {
  private lastAttributes?: string;
  /** The local recordings, one after the other (see `inTurn`). */
  private previous: Promise<unknown> = Promise.resolve();

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
    const attributes = attributesKey(status, openStages);
    const locally = patched(PATCH_RECORD_LOCALLY);
    // What the run carries already: set at its start (or carried over by continue-as-new), or by the last upsert.
    if (locally && this.lastAttributes === undefined) this.lastAttributes = currentAttributes();
    if (!patched(PATCH_SEARCH_ATTRIBUTES_ON_CHANGE) || attributes !== this.lastAttributes) {
      upsertSearchAttributes([
        { key: SEARCH_ATTRIBUTES.status, value: status },
        { key: SEARCH_ATTRIBUTES.currentStage, value: openStages },
      ]);
      this.lastAttributes = attributes;
    }
    const { workflowId, runId } = workflowInfo();
    const recording: RoundRecording = { workflowId, runId, tenant: this.tenant, seq: this.seq, state, changes };
    if (!locally) {
      await recordRoundChange(recording);
      return state;
    }
    await this.inTurn(async () => {
      try {
        await recordRoundChangeLocally(recording);
      } catch (error) {
        // The activity's own error, a timeout or an activity failure: what the local attempts ran into.
        if (!(error instanceof TemporalFailure) || error instanceof CancelledFailure) throw error;
        // The database is away or slow: wait for it as long as it takes, without growing the history meanwhile.
        await recordRoundChange(recording);
      }
    });
    return state;
  }

  /**
   * Runs `task` after every recording asked for before it. Two local activities running at once
   * (an update's and the main loop's) would be resolved in two activations when run, but in one when
   * replayed, and what the workflow does next would differ in order: a nondeterminism error. One at a
   * time, each is resolved on its own both ways — and recordings reach the database in `seq` order.
   */
  private async inTurn(task: () => Promise<void>): Promise<void> {
    const turn = this.previous.then(task);
    this.previous = turn.catch(() => undefined);
    await turn;
  }
}

function attributesKey(status: string | undefined, openStages: readonly string[] | undefined): string {
  return JSON.stringify([status ?? null, openStages ?? []]);
}

function currentAttributes(): string {
  const attributes = workflowInfo().typedSearchAttributes;
  return attributesKey(attributes.get(SEARCH_ATTRIBUTES.status), attributes.get(SEARCH_ATTRIBUTES.currentStage));
}

function snapshot(state: Readonly<RoundState>): RoundState {
  return JSON.parse(JSON.stringify(state)) as RoundState;
}
