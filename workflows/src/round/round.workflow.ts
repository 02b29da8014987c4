import { Round, RoundException, type DecisionCommand, type RoundState } from '@ratsweg/domain';
import { decideStageUpdate, roundStateQuery, type RoundWorkflowInput } from '@ratsweg/contracts';
import { allHandlersFinished, ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import { RoundRecorder } from './round-recorder.js';

/** One participation round, from its first stage to its end. */
export async function roundWorkflow(input: RoundWorkflowInput): Promise<RoundState> {
  const { round, changes } = Round.start(
    { id: input.roundId, title: input.title, template: input.template, actor: input.actor },
    new Date(input.requestedAt),
  );
  const recorder = new RoundRecorder(input.tenant);

  setHandler(roundStateQuery, () => round.state as RoundState);
  setHandler(
    decideStageUpdate,
    async (command: DecisionCommand) => recorder.record(round, round.decide(command, new Date())),
    { validator: (command: DecisionCommand) => refuseUnless(() => round.assertCanDecide(command)) },
  );

  await recorder.record(round, changes);
  await condition(() => round.isFinished && allHandlersFinished());
  return round.state as RoundState;
}

/** Turns a rule violation into a failure the client can read, before anything reaches history. */
function refuseUnless(check: () => void): void {
  try {
    check();
  } catch (error) {
    if (error instanceof RoundException) {
      throw ApplicationFailure.create({ type: error.code, message: error.message, nonRetryable: true });
    }
    throw error;
  }
}
