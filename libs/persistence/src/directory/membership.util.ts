/** The period of a membership: calendar dates `YYYY-MM-DD`, both days included; no end while it lasts. */
export interface MembershipPeriod {
  startDate: string;
  endDate: string | null;
}

/** Whether the membership lasts on `date` (`YYYY-MM-DD`): from its first to its last day, both included. */
export function isMemberOn(membership: MembershipPeriod, date: string): boolean {
  // ISO calendar dates compare correctly as strings.
  return membership.startDate <= date && (membership.endDate === null || membership.endDate >= date);
}
