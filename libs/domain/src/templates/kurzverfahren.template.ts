import type { ProcessTemplate } from '../template/process-template.type.js';

/**
 * The shortest real process: a committee recommends, the council decides.
 * A rejection in committee ends the round; the council may send it back to the committee.
 */
export const kurzverfahrenTemplate: ProcessTemplate = {
  key: 'kurzverfahren',
  version: 1,
  title: { de: 'Kurzverfahren: Fachausschuss und Rat', en: 'Short procedure: committee and council' },
  stages: [
    {
      key: 'fachausschuss',
      type: 'committee_consultation',
      title: { de: 'Beratung im Fachausschuss', en: 'Committee deliberation' },
      body: 'fachausschuss',
      outcomes: { approved: { to: 'next' }, rejected: { to: 'end' }, postponed: { to: 'stage', stage: 'fachausschuss' } },
    },
    {
      key: 'ratsbeschluss',
      type: 'council_decision',
      title: { de: 'Ratsbeschluss', en: 'Council decision' },
      body: 'rat',
      outcomes: {
        approved: { to: 'end' },
        rejected: { to: 'end' },
        returned: { to: 'stage', stage: 'fachausschuss' },
        postponed: { to: 'stage', stage: 'ratsbeschluss' },
      },
    },
  ],
};
