export enum RoundExceptionCode {
  STAGE_NOT_FOUND = 'STAGE_NOT_FOUND',
  STAGE_NOT_OPEN = 'STAGE_NOT_OPEN',
  OUTCOME_NOT_ALLOWED = 'OUTCOME_NOT_ALLOWED',
  ROUND_NOT_RUNNING = 'ROUND_NOT_RUNNING',
  MEETING_REQUIRED = 'MEETING_REQUIRED',
  NO_DEADLINE = 'NO_DEADLINE',
  DEADLINE_NOT_LATER = 'DEADLINE_NOT_LATER',
}

/** A command that the round's rules refuse; the workflow refuses it before it reaches history. */
export class RoundException extends Error {
  constructor(
    readonly code: RoundExceptionCode,
    message: string,
    /** The field of the command that is at fault, if one is. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'RoundException';
  }
}
