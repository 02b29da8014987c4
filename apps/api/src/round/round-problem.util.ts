import { RoundExceptionCode } from '@ratsweg/domain';
import { ApplicationFailure, isGrpcServiceError, NamespaceNotFoundError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ProblemException, text } from '../problem-details/problem.exception.js';

/** Maps a refusal by the round's rules to its HTTP problem; exhaustive over the codes. */
export function roundProblem(code: RoundExceptionCode, message: string, field?: string): ProblemException {
  const errors = field ? [{ field, message }] : undefined;
  switch (code) {
    case RoundExceptionCode.STAGE_NOT_FOUND:
      return new ProblemException('stage-not-found', message);
    case RoundExceptionCode.STAGE_NOT_OPEN:
      return new ProblemException('stage-not-open', message);
    case RoundExceptionCode.ROUND_NOT_RUNNING:
      return new ProblemException('round-not-running', message);
    case RoundExceptionCode.NO_DEADLINE:
      return new ProblemException('no-deadline', message);
    case RoundExceptionCode.OUTCOME_NOT_ALLOWED:
    case RoundExceptionCode.MEETING_REQUIRED:
    case RoundExceptionCode.DEADLINE_NOT_LATER:
      return new ProblemException('validation-failed', message, errors);
  }
}

/** Turns what the Temporal client threw into a problem, or rethrows what is not Temporal's. */
export function temporalProblem(error: unknown): ProblemException {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const code = error.cause.type as RoundExceptionCode;
    const field = (error.cause.details?.[0] as { field?: string } | undefined)?.field;
    if (Object.values(RoundExceptionCode).includes(code)) return roundProblem(code, error.cause.message, field);
  }
  if (error instanceof WorkflowNotFoundError) {
    return new ProblemException(
      'round-not-running',
      text('Die Beteiligungsrunde ist bereits beendet.', 'The participation round has already ended.'),
    );
  }
  if (isUnavailable(error)) {
    return new ProblemException(
      'service-unavailable',
      text(
        'Die Prozess-Engine ist gerade nicht erreichbar. Bitte später erneut versuchen.',
        'The process engine cannot be reached right now. Please try again later.',
      ),
      undefined,
      { 'retry-after': '5' },
    );
  }
  throw error;
}

function isUnavailable(error: unknown): boolean {
  if (isGrpcServiceError(error)) return true;
  // The frontend answers but cannot read its namespace, e.g. while its PostgreSQL restarts.
  if (error instanceof NamespaceNotFoundError) return true;
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (cause && cause !== error) return isUnavailable(cause);
  return error instanceof Error && /ECONNREFUSED|UNAVAILABLE|failed to connect|DEADLINE_EXCEEDED|Connection refused/i.test(error.message);
}
