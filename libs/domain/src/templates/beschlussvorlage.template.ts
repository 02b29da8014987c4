import type { ProcessTemplate } from '../template/process-template.type.js';

/** A paper (Beschlussvorlage) through two committees (Beratungsfolge) to the council. */
export const beschlussvorlageTemplate: ProcessTemplate = {
  key: 'beschlussvorlage',
  version: 1,
  title: { de: 'Beschlussvorlage mit Beratungsfolge', en: 'Paper through committees to the council' },
  stages: [
    {
      key: 'vorlage',
      type: 'drafting',
      title: { de: 'Erstellung der Vorlage', en: 'Drafting the paper' },
      deadline: { offset: 'P14D' },
      reminders: { before: ['P3D'], audiences: ['administrator'] },
      outcomes: { completed: { to: 'next' } },
    },
    {
      key: 'fachausschuss',
      type: 'committee_consultation',
      title: { de: 'Vorberatung im Fachausschuss', en: 'First reading in the committee' },
      body: 'ausschuss-planung',
      deadline: { meeting: 'fachausschuss' },
      reminders: { before: ['P7D', 'P1D'], audiences: ['responsible-body'] },
      escalation: { after: 'P1D', audiences: ['administrator'] },
      notify: { onClose: ['administrator'] },
      outcomes: {
        approved: { to: 'next' },
        rejected: { to: 'end' },
        returned: { to: 'stage', stage: 'vorlage' },
        postponed: { to: 'stage', stage: 'fachausschuss' },
      },
    },
    {
      key: 'hauptausschuss',
      type: 'committee_consultation',
      title: { de: 'Beratung im Hauptausschuss', en: 'Deliberation in the main committee' },
      body: 'hauptausschuss',
      deadline: { meeting: 'hauptausschuss' },
      reminders: { before: ['P7D', 'P1D'], audiences: ['responsible-body'] },
      escalation: { after: 'P1D', audiences: ['administrator'] },
      notify: { onClose: ['administrator'] },
      outcomes: {
        approved: { to: 'next' },
        rejected: { to: 'end' },
        returned: { to: 'stage', stage: 'fachausschuss' },
        postponed: { to: 'stage', stage: 'hauptausschuss' },
      },
    },
    {
      key: 'ratsbeschluss',
      type: 'council_decision',
      title: { de: 'Ratsbeschluss', en: 'Council decision' },
      body: 'rat',
      deadline: { meeting: 'rat' },
      reminders: { before: ['P7D', 'P1D'], audiences: ['responsible-body'] },
      escalation: { after: 'P1D', audiences: ['administrator'] },
      notify: { onClose: ['administrator', 'body:hauptausschuss'] },
      outcomes: {
        approved: { to: 'end' },
        rejected: { to: 'end' },
        returned: { to: 'stage', stage: 'hauptausschuss' },
        postponed: { to: 'stage', stage: 'ratsbeschluss' },
      },
    },
  ],
};
