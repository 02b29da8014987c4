export const STAGE_TYPES = [
  'forum',
  'workshops',
  'drafting',
  'public_consultation',
  'briefing',
  'committee_consultation',
  'council_decision',
  'implementation',
] as const;
export type StageType = (typeof STAGE_TYPES)[number];

export const OUTCOMES = ['approved', 'rejected', 'returned', 'postponed', 'acknowledged', 'completed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Which outcomes a stage of a given type can be decided with. */
export const OUTCOMES_BY_STAGE_TYPE: Readonly<Record<StageType, readonly Outcome[]>> = {
  forum: ['completed'],
  workshops: ['completed'],
  drafting: ['completed'],
  public_consultation: ['completed'],
  briefing: ['acknowledged'],
  committee_consultation: ['approved', 'rejected', 'returned', 'postponed'],
  council_decision: ['approved', 'rejected', 'returned', 'postponed'],
  implementation: ['completed'],
};

export interface LocalizedText {
  de: string;
  en: string;
}

/** What follows an outcome: the next stage in the template, a named stage, or the end of the round. */
export type Transition = { to: 'next' } | { to: 'stage'; stage: string } | { to: 'end' };

export interface StageDefinition {
  key: string;
  type: StageType;
  title: LocalizedText;
  /** Key of the responsible body (Gremium) in the directory. */
  body?: string;
  /** Outcomes the stage accepts and what follows each; absent outcomes are refused. */
  outcomes: Partial<Record<Outcome, Transition>>;
  /** ISO 8601 duration after the stage opens, e.g. `P14D` or `PT2S`. */
  deadline?: { offset: string };
}

export interface ProcessTemplate {
  key: string;
  version: number;
  title: LocalizedText;
  description?: LocalizedText;
  stages: StageDefinition[];
}

export interface TemplateSummary {
  key: string;
  version: number;
  title: LocalizedText;
}
