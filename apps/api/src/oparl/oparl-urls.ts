/** Absolute URLs of OParl objects and lists, from the base URL the client used. */
export class OparlUrls {
  constructor(private readonly base: string) {}

  private url(path: string): string {
    return `${this.base}/oparl/v1${path}`;
  }

  system = () => this.url('/system');
  bodies = () => this.url('/bodies');
  body = (key: string) => this.url(`/bodies/${encodeURIComponent(key)}`);
  bodyList = (key: string, list: OparlListName) => this.url(`/bodies/${encodeURIComponent(key)}/${list}`);
  organization = (id: string) => this.url(`/organizations/${id}`);
  person = (id: string) => this.url(`/people/${id}`);
  membership = (id: string) => this.url(`/memberships/${id}`);
  meeting = (id: string) => this.url(`/meetings/${id}`);
  paper = (id: string) => this.url(`/papers/${id}`);
  consultation = (id: string) => this.url(`/consultations/${id}`);
  agendaItem = (id: string) => this.url(`/agenda-items/${id}`);
  file = (id: string) => this.url(`/files/${id}`);
  legislativeTerm = (id: string) => this.url(`/legislative-terms/${id}`);
  fileContent = (id: string) => `${this.base}/api/v1/files/${id}/content`;
}

export const OPARL_LISTS = [
  'organizations',
  'people',
  'memberships',
  'meetings',
  'papers',
  'consultations',
  'agenda-items',
  'files',
  'legislative-terms',
] as const;
export type OparlListName = (typeof OPARL_LISTS)[number];

export const OPARL_TYPE = (name: string) => `https://schema.oparl.org/1.1/${name}`;
