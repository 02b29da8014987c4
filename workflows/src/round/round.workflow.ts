import { Round, RoundException, type RoundChange, type RoundState } from '@ratsweg/domain';
import {
  cancelRoundUpdate,
  decideStageUpdate,
  extendDeadlineUpdate,
  meetingRescheduledSignal,
  roundStateQuery,
  type RoundWorkflowInput,
} from '@ratsweg/contracts';
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { RoundRecorder } from './round-recorder.js';

const DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS = 1_000;

/**
 * Since v0.3.0 a meeting set for a stage that is not open yet is recorded at once; before, the
 * read model showed it only with the round's next change. Runs begun before replay the old
 * branch (see "Changing workflow code safely" in the README).
 */
export const PATCH_RECORD_MEETING_OF_PENDING_STAGE = 'record-meeting-of-pending-stage';

/**
 * One participation round, from its first stage to its end — for years if need be. The rules
 * live in `Round`; this function wires Temporal to them: updates (with validators, so a refused
 * command leaves no trace), one timer for whatever falls due next, and continue-as-new before the
 * history grows long.
 */
export async function roundWorkflow(input: RoundWorkflowInput): Promise<RoundState> {
  const { round, changes } = input.resume
    ? { round: Round.restore(input.template, input.resume.state), changes: [] as RoundChange[] }
    : Round.start(
        {
          id: input.roundId,
          title: input.title,
          template: input.template,
          actor: input.actor,
          ...(input.meetings ? { meetings: input.meetings } : {}),
          ...(input.standingOrders ? { standingOrders: input.standingOrders } : {}),
          ...(input.parameters ? { parameters: input.parameters } : {}),
        },
        new Date(input.requestedAt),
      );
  const recorder = new RoundRecorder(input.tenant, input.resume?.seq ?? 0);

  setHandler(roundStateQuery, () => round.state as RoundState);
  setHandler(decideStageUpdate, async (command) => recorder.record(round, round.decide(command, new Date())), {
    validator: (command) => refuseUnless(() => round.assertCanDecide(command, new Date())),
  });
  setHandler(extendDeadlineUpdate, async (command) => recorder.record(round, round.extendDeadline(command, new Date())), {
    validator: (command) => refuseUnless(() => round.assertCanExtend(command, new Date())),
  });
  setHandler(cancelRoundUpdate, async (command) => recorder.record(round, round.cancel(command, new Date())), {
    validator: (_command) => refuseUnless(() => round.assertCanCancel()),
  });
  setHandler(meetingRescheduledSignal, async (event) => {
    const seen = round.revision;
    const moved = round.rescheduleMeeting(event, new Date());
    if (patched(PATCH_RECORD_MEETING_OF_PENDING_STAGE)) {
      // Every change of the round is recorded — also a meeting that no open stage follows yet.
      if (round.revision !== seen) await recorder.record(round, moved);
    } else if (moved.length > 0) {
      await recorder.record(round, moved);
    }
  });

  if (changes.length > 0) await recorder.record(round, changes);
  const limit = input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS;
  const historyIsLong = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= limit;

  while (!round.isFinished) {
    const seen = round.revision;
    const due = round.nextDueAt();
    const wait = due === undefined ? undefined : Date.parse(due) - Date.now();
    if (wait === undefined) {
      await condition(() => round.revision !== seen || historyIsLong());
    } else if (wait > 0) {
      await condition(() => round.revision !== seen, wait);
    }
    const fired = round.fireDue(new Date());
    if (fired.length > 0) await recorder.record(round, fired);
    if (!round.isFinished && historyIsLong()) {
      // Finish what handlers are doing, then carry the state into a fresh run.
      await condition(allHandlersFinished);
      await continueAsNew<typeof roundWorkflow>({ ...input, resume: { state: round.state as RoundState, seq: recorder.lastSeq } });
    }
  }
  await condition(allHandlersFinished);
  return round.state as RoundState;
}

/** Turns a rule violation into a failure the client can read, before anything reaches history. */
function refuseUnless(check: () => void): void {
  try {
    check();
  } catch (error) {
    if (error instanceof RoundException) {
      throw ApplicationFailure.create({
        type: error.code,
        message: error.message,
        nonRetryable: true,
        ...(error.field ? { details: [{ field: error.field }] } : {}),
      });
    }
    throw error;
  }
}
