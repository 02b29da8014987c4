import { Inject, Injectable } from '@nestjs/common';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import { RoundEntity, StageFileRepository } from '@ratsweg/persistence';
import { DataSource } from 'typeorm';
import { ProblemException, text } from '../problem-details/problem.exception.js';
import {
  isDecidingStage,
  oparlAgendaItem,
  oparlBody,
  oparlConsultation,
  oparlFile,
  oparlLegislativeTerm,
  oparlMeeting,
  oparlMembership,
  oparlOrganization,
  oparlPaper,
  oparlPerson,
  oparlSystem,
  type BodyRow,
  type LegislativeTermRow,
  type MeetingRow,
  type MembershipRow,
  type PersonRow,
  type RoundContext,
  type TenantRow,
} from './oparl.presenter.js';
import type { OparlListName, OparlUrls } from './oparl-urls.js';

export interface OparlListQuery {
  page: number;
  limit: number;
  created_since?: string;
  created_until?: string;
  modified_since?: string;
  modified_until?: string;
}

type Stamped = { created: string; modified: string };

/** Ratsweg's data as OParl 1.1 objects and lists (read only), for the configured municipality. */
@Injectable()
export class OparlService {
  constructor(
    @Inject(RATSWEG_CONFIG) private readonly config: RatswegConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(StageFileRepository) private readonly files: StageFileRepository,
  ) {}

  private get tenant(): string {
    return this.config.RATSWEG_TENANT;
  }

  async system(urls: OparlUrls) {
    const tenant = await this.tenantRow();
    return oparlSystem(urls, tenant ? `Ratsweg – ${tenant.name}` : 'Ratsweg');
  }

  async bodies(urls: OparlUrls, query: OparlListQuery) {
    const tenant = await this.tenantRow();
    const bodies = tenant ? [oparlBody(urls, tenant, await this.terms())] : [];
    return paginate(bodies, query, urls.bodies());
  }

  async body(urls: OparlUrls, key: string) {
    const tenant = await this.requireTenant(key);
    return oparlBody(urls, tenant, await this.terms());
  }

  async list(urls: OparlUrls, key: string, list: OparlListName, query: OparlListQuery) {
    await this.requireTenant(key);
    const self = urls.bodyList(key, list);
    return paginate(await this.objects(urls, list), query, self);
  }

  async object(urls: OparlUrls, list: OparlListName, id: string) {
    const found = (await this.objects(urls, list)).find((object) => object.id === this.idUrl(urls, list, id));
    if (!found) throw new ProblemException('not-found', text(`Kein OParl-Objekt ${id}.`, `No OParl object ${id}.`));
    return found;
  }

  private idUrl(urls: OparlUrls, list: OparlListName, id: string): string {
    const byList: Record<OparlListName, (value: string) => string> = {
      organizations: urls.organization,
      people: urls.person,
      memberships: urls.membership,
      meetings: urls.meeting,
      papers: urls.paper,
      consultations: urls.consultation,
      'agenda-items': urls.agendaItem,
      files: urls.file,
      'legislative-terms': urls.legislativeTerm,
    };
    return byList[list](id);
  }

  private async objects(urls: OparlUrls, list: OparlListName): Promise<(Stamped & { id: string })[]> {
    switch (list) {
      case 'organizations': {
        const [bodies, memberships] = await Promise.all([this.bodyRows(), this.membershipRows()]);
        return bodies.map((body) =>
          oparlOrganization(urls, this.tenant, body, memberships.filter((membership) => membership.bodyId === body.id)),
        );
      }
      case 'people': {
        const [people, memberships] = await Promise.all([this.personRows(), this.membershipRows()]);
        return people.map((person) => oparlPerson(urls, this.tenant, person, memberships.filter((membership) => membership.personId === person.id)));
      }
      case 'memberships':
        return (await this.membershipRows()).map((membership) => oparlMembership(urls, membership));
      case 'meetings': {
        const [meetings, items] = await Promise.all([this.meetingRows(), this.agendaItems(urls)]);
        return meetings.map((meeting) => oparlMeeting(urls, meeting, items.filter((item) => item.meeting === urls.meeting(meeting.id))));
      }
      case 'papers': {
        const { rounds, context } = await this.paperRounds();
        return rounds.map((round) => oparlPaper(urls, this.tenant, round, context(round)));
      }
      case 'consultations': {
        const { rounds, context } = await this.paperRounds();
        return rounds.flatMap((round) => round.stages.filter(isDecidingStage).map((stage) => oparlConsultation(urls, round, stage, context(round))));
      }
      case 'agenda-items':
        return this.agendaItems(urls);
      case 'files': {
        const [files, { rounds }] = await Promise.all([this.files.list(this.tenant), this.paperRounds()]);
        const papers = new Set(rounds.map((round) => round.id));
        return files.map((file) => oparlFile(urls, file, papers.has(file.roundId)));
      }
      case 'legislative-terms':
        return (await this.terms()).map((term) => oparlLegislativeTerm(urls, this.tenant, term));
    }
  }

  private async agendaItems(urls: OparlUrls) {
    const { rounds, context } = await this.paperRounds();
    return rounds.flatMap((round) =>
      round.stages
        .filter((stage) => stage.type === 'council_decision' && stage.decisions.length > 0)
        .map((stage) => oparlAgendaItem(urls, round, stage, context(round))),
    );
  }

  /** Rounds that are papers: those with committee or council stages. */
  private async paperRounds(): Promise<{ rounds: RoundEntity[]; context: (round: RoundEntity) => RoundContext }> {
    const rounds = await this.dataSource
      .getRepository(RoundEntity)
      .createQueryBuilder('r')
      .where('r.tenant = :tenant', { tenant: this.tenant })
      .andWhere(`(r.stages @> '[{"type":"committee_consultation"}]' OR r.stages @> '[{"type":"council_decision"}]')`)
      .orderBy('r.created_at', 'ASC')
      .addOrderBy('r.id', 'ASC')
      .getMany();
    const [bodies, meetings] = await Promise.all([this.bodyRows(), this.meetingRows()]);
    const bodyIdByKey = new Map(bodies.map((body) => [body.key, body.id]));
    return {
      rounds,
      context: (round) => ({
        bodyIdByKey,
        meetingIdByKey: new Map(
          meetings.filter((meeting) => meeting.roundId === round.id && meeting.meetingKey).map((meeting) => [meeting.meetingKey as string, meeting.id]),
        ),
      }),
    };
  }

  private async requireTenant(key: string): Promise<TenantRow> {
    const tenant = key === this.tenant ? await this.tenantRow() : undefined;
    if (!tenant) throw new ProblemException('not-found', text(`Keine Körperschaft „${key}“.`, `No body "${key}".`));
    return tenant;
  }

  private async tenantRow(): Promise<TenantRow | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT "key", "name", "short_name" AS "shortName", "ags", "website", "created_at" AS "createdAt", "modified_at" AS "modifiedAt"
       FROM "tenant" WHERE "key" = $1`,
      [this.tenant],
    )) as TenantRow[];
    return rows[0];
  }

  private terms(): Promise<LegislativeTermRow[]> {
    return this.dataSource.query(
      `SELECT "id", "name", to_char("start_date", 'YYYY-MM-DD') AS "startDate", to_char("end_date", 'YYYY-MM-DD') AS "endDate",
              "created_at" AS "createdAt", "modified_at" AS "modifiedAt"
       FROM "legislative_term" WHERE "tenant" = $1 ORDER BY "start_date", "id"`,
      [this.tenant],
    );
  }

  private bodyRows(): Promise<BodyRow[]> {
    return this.dataSource.query(
      `SELECT "id", "key", "name", "short_name" AS "shortName", "classification", to_char("start_date", 'YYYY-MM-DD') AS "startDate",
              to_char("end_date", 'YYYY-MM-DD') AS "endDate", "created_at" AS "createdAt", "modified_at" AS "modifiedAt"
       FROM "body" WHERE "tenant" = $1 ORDER BY "created_at", "id"`,
      [this.tenant],
    );
  }

  private personRows(): Promise<PersonRow[]> {
    return this.dataSource.query(
      `SELECT "id", "given_name" AS "givenName", "family_name" AS "familyName", "form_of_address" AS "formOfAddress", "title",
              "created_at" AS "createdAt", "modified_at" AS "modifiedAt"
       FROM "person" WHERE "tenant" = $1 ORDER BY "created_at", "id"`,
      [this.tenant],
    );
  }

  private membershipRows(): Promise<MembershipRow[]> {
    return this.dataSource.query(
      `SELECT "id", "person_id" AS "personId", "body_id" AS "bodyId", "role", "voting_right" AS "votingRight",
              to_char("start_date", 'YYYY-MM-DD') AS "startDate", to_char("end_date", 'YYYY-MM-DD') AS "endDate",
              "created_at" AS "createdAt", "modified_at" AS "modifiedAt"
       FROM "membership" WHERE "tenant" = $1 ORDER BY "created_at", "id"`,
      [this.tenant],
    );
  }

  private meetingRows(): Promise<MeetingRow[]> {
    return this.dataSource.query(
      `SELECT "id", "body_id" AS "bodyId", "name", "start", "end", "location", "state", "round_id" AS "roundId", "meeting_key" AS "meetingKey",
              "created_at" AS "createdAt", "modified_at" AS "modifiedAt"
       FROM "meeting" WHERE "tenant" = $1 ORDER BY "start", "id"`,
      [this.tenant],
    );
  }
}

/** OParl's list format: `data`, `pagination`, `links`; filtered by the created/modified window. */
export function paginate<T extends Stamped>(objects: T[], query: OparlListQuery, self: string) {
  const within = (value: string, since?: string, until?: string) =>
    (!since || Date.parse(value) >= Date.parse(since)) && (!until || Date.parse(value) <= Date.parse(until));
  const filtered = objects.filter(
    (object) => within(object.created, query.created_since, query.created_until) && within(object.modified, query.modified_since, query.modified_until),
  );
  const totalPages = Math.max(1, Math.ceil(filtered.length / query.limit));
  const page = Math.min(query.page, totalPages);
  const link = (target: number) => {
    const url = new URL(self);
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && name !== 'page') url.searchParams.set(name, String(value));
    }
    url.searchParams.set('page', String(target));
    return url.toString();
  };
  return {
    data: filtered.slice((page - 1) * query.limit, page * query.limit),
    pagination: { totalElements: filtered.length, elementsPerPage: query.limit, currentPage: page, totalPages },
    links: {
      first: link(1),
      ...(page > 1 ? { prev: link(page - 1) } : {}),
      ...(page < totalPages ? { next: link(page + 1) } : {}),
      last: link(totalPages),
      self: link(page),
    },
  };
}

