export const DAY_COUNTINGS = ['calendar', 'working'] as const;
/** 'calendar' counts every day; 'working' counts Mon–Fri except NRW public holidays. */
export type DayCounting = (typeof DAY_COUNTINGS)[number];

/** The deadline rules of one municipality's standing orders (Geschäftsordnung), as data. */
export interface StandingOrders {
  /** Ladungsfrist: full days between dispatch of the invitation and the meeting. */
  noticePeriodDays: number;
  /** Verkürzte Ladungsfrist for urgent matters (Dringlichkeit). */
  urgentNoticePeriodDays: number;
  /** 'calendar' counts every day; 'working' counts Mon–Fri except NRW public holidays. */
  dayCounting: DayCounting;
  /** Whether the meeting day itself counts towards the notice period. */
  meetingDayCounts: boolean;
}

export const DEFAULT_STANDING_ORDERS: StandingOrders = {
  noticePeriodDays: 7,
  urgentNoticePeriodDays: 3,
  dayCounting: 'calendar',
  meetingDayCounts: false,
};
