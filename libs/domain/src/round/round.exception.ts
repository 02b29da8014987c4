export enum RoundExceptionCode {
  STAGE_NOT_FOUND = 'STAGE_NOT_FOUND',
  STAGE_NOT_OPEN = 'STAGE_NOT_OPEN',
  OUTCOME_NOT_ALLOWED = 'OUTCOME_NOT_ALLOWED',
  ROUND_NOT_RUNNING = 'ROUND_NOT_RUNNING',
}

/** A command that the round's rules refuse; the workflow refuses it before it reaches history. */
export class RoundException extends Error {
  constructor(
    readonly code: RoundExceptionCode,
    message: string,
  ) {
    super(message);
    this.name = 'RoundException';
  }
}
