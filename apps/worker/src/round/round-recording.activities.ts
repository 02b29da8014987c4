import { Inject, Injectable } from '@nestjs/common';
import type { RoundActivities, RoundRecording } from '@ratsweg/contracts';
import { RoundRepository } from '@ratsweg/persistence';

/** Activities of the round workflow: each state change is projected here, once. */
@Injectable()
export class RoundRecordingActivities implements RoundActivities {
  constructor(@Inject(RoundRepository) private readonly rounds: RoundRepository) {}

  async recordRoundChange(recording: RoundRecording): Promise<void> {
    await this.rounds.applyRecording(recording);
  }
}
