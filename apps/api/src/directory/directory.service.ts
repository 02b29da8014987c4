import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import { DEFAULT_STANDING_ORDERS } from '@ratsweg/domain';
import {
  AuditRepository,
  BodyEntity,
  DirectoryRepository,
  directoryChain,
  InvalidPageKeyError,
  LegislativeTermEntity,
  MeetingEntity,
  MembershipEntity,
  PersonEntity,
  type DirectoryPage,
  type DirectoryPageRequest,
  type TenantEntity,
} from '@ratsweg/persistence';
import type { EntityManager } from 'typeorm';
import { ProblemException, text } from '../problem-details/problem.exception.js';
import { RoundService } from '../round/round.service.js';
import { decodeCursor, encodeCursor, invalidCursor } from './directory-cursor.util.js';
import {
  presentBody,
  presentLegislativeTerm,
  presentMeeting,
  presentMembership,
  presentPerson,
  presentTenant,
  type BodyResponse,
  type LegislativeTermResponse,
  type ListResponse,
  type MeetingResponse,
  type MembershipResponse,
  type PersonResponse,
  type TenantResponse,
} from './directory.presenter.js';
import type {
  CreateBodyRequest,
  CreateLegislativeTermRequest,
  CreateMeetingRequest,
  CreateMembershipRequest,
  CreatePersonRequest,
  EndRequest,
  ListBodiesQuery,
  ListMeetingsQuery,
  ListMembershipsQuery,
  ListPersonsQuery,
  ListQuery,
  TenantRequest,
  UpdateBodyRequest,
  UpdateMeetingRequest,
  UpdateMembershipRequest,
  UpdatePersonRequest,
} from './directory.request.js';

type SubjectType = 'tenant' | 'legislative_term' | 'body' | 'person' | 'membership' | 'meeting';

interface Change {
  subjectType: SubjectType;
  subjectId: string;
  action: string;
  before: object | null;
  after: object;
  details?: Record<string, unknown>;
}

/**
 * The council directory of the tenant this installation serves. Every command runs in one
 * transaction that also appends its audit entries, so a refused or failed command writes nothing.
 */
@Injectable()
export class DirectoryService {
  constructor(
    @Inject(RATSWEG_CONFIG) private readonly config: RatswegConfig,
    @Inject(DirectoryRepository) private readonly directory: DirectoryRepository,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(RoundService) private readonly rounds: RoundService,
  ) {}

  private get tenant(): string {
    return this.config.RATSWEG_TENANT;
  }

  // ---- tenant ----

  async getTenant(): Promise<TenantResponse> {
    const row = await this.directory.findTenant(this.tenant);
    if (!row) throw this.tenantMissing();
    return presentTenant(row);
  }

  /** Creates the tenant or replaces its description; `created` tells which. */
  async putTenant(request: TenantRequest, actor: string): Promise<{ tenant: TenantResponse; created: boolean }> {
    return this.command(actor, async (manager, now, record) => {
      const existing = await this.directory.findTenant(this.tenant, manager);
      const next: TenantEntity = {
        key: this.tenant,
        name: request.name,
        shortName: request.shortName,
        ags: request.ags,
        standingOrders: request.standingOrders ?? DEFAULT_STANDING_ORDERS,
        website: request.website ?? null,
        createdAt: existing?.createdAt ?? now,
        modifiedAt: now,
      };
      if (!existing) {
        await this.directory.insertTenant(manager, next);
        await record({ subjectType: 'tenant', subjectId: next.key, action: 'tenant.created', before: null, after: presentTenant(next) });
        return { tenant: presentTenant(next), created: true };
      }
      const before = presentTenant(existing);
      if (sameContent(before, presentTenant(next))) return { tenant: before, created: false };
      await this.directory.updateTenant(manager, next);
      await record({ subjectType: 'tenant', subjectId: next.key, action: 'tenant.changed', before, after: presentTenant(next) });
      return { tenant: presentTenant(next), created: false };
    });
  }

  // ---- legislative terms ----

  async listLegislativeTerms(query: ListQuery): Promise<ListResponse<LegislativeTermResponse>> {
    return this.list(query, (page) => this.directory.listLegislativeTerms(this.tenant, page), presentLegislativeTerm);
  }

  async getLegislativeTerm(id: string): Promise<LegislativeTermResponse> {
    const row = await this.directory.findLegislativeTerm(this.tenant, id);
    if (!row) throw notFound(`Keine Wahlperiode mit der Id ${id}.`, `No legislative term with id ${id}.`);
    return presentLegislativeTerm(row);
  }

  async createLegislativeTerm(request: CreateLegislativeTermRequest, actor: string): Promise<LegislativeTermResponse> {
    return this.command(actor, async (manager, now, record) => {
      await this.requireTenant(manager);
      const row: LegislativeTermEntity = {
        id: randomUUID(),
        tenant: this.tenant,
        name: request.name,
        startDate: request.startDate,
        endDate: request.endDate,
        createdAt: now,
        modifiedAt: now,
      };
      await this.directory.insert(manager, LegislativeTermEntity, row);
      await record({ subjectType: 'legislative_term', subjectId: row.id, action: 'legislative_term.created', before: null, after: presentLegislativeTerm(row) });
      return presentLegislativeTerm(row);
    });
  }

  // ---- bodies ----

  async listBodies(query: ListBodiesQuery): Promise<ListResponse<BodyResponse>> {
    const filter = { ...(query.classification ? { classification: query.classification } : {}), ...(query.on ? { on: query.on } : {}) };
    return this.list(query, (page) => this.directory.listBodies(this.tenant, page, filter), presentBody);
  }

  async getBody(id: string): Promise<BodyResponse> {
    return presentBody(await this.requireBody(id));
  }

  async createBody(request: CreateBodyRequest, actor: string): Promise<BodyResponse> {
    return this.command(actor, async (manager, now, record) => {
      await this.requireTenant(manager);
      await this.requireFreeBodyKey(manager, request.key);
      const row: BodyEntity = {
        id: randomUUID(),
        tenant: this.tenant,
        key: request.key,
        name: request.name,
        shortName: request.shortName,
        classification: request.classification,
        startDate: request.startDate,
        endDate: request.endDate ?? null,
        createdAt: now,
        modifiedAt: now,
      };
      await this.directory.insert(manager, BodyEntity, row);
      await record({ subjectType: 'body', subjectId: row.id, action: 'body.created', before: null, after: presentBody(row) });
      return presentBody(row);
    });
  }

  async updateBody(id: string, request: UpdateBodyRequest, actor: string): Promise<BodyResponse> {
    return this.command(actor, async (manager, now, record) => {
      const row = await this.requireBody(id, manager);
      const next: BodyEntity = { ...row, ...defined(request), modifiedAt: now };
      if (next.key !== row.key) await this.requireFreeBodyKey(manager, next.key);
      if (next.endDate !== null && next.startDate > next.endDate) {
        throw invalid('startDate', `Das Gremium endete am ${next.endDate}.`, `The body ended on ${next.endDate}.`);
      }
      const before = presentBody(row);
      if (sameContent(before, presentBody(next))) return before;
      await this.directory.update(manager, BodyEntity, next);
      await record({ subjectType: 'body', subjectId: id, action: 'body.changed', before, after: presentBody(next) });
      return presentBody(next);
    });
  }

  /** Ends a body on `endDate` (its last day); its memberships that last longer end with it. */
  async endBody(id: string, request: EndRequest, actor: string): Promise<BodyResponse> {
    return this.command(actor, async (manager, now, record) => {
      const row = await this.requireBody(id, manager);
      if (row.endDate !== null) throw invalid('endDate', `Das Gremium endete bereits am ${row.endDate}.`, `The body already ended on ${row.endDate}.`);
      if (request.endDate < row.startDate) {
        throw invalid('endDate', `Darf nicht vor dem Beginn (${row.startDate}) liegen.`, `Must not be before the start (${row.startDate}).`);
      }
      const memberships = await this.directory.membershipsOfBodyAfter(manager, this.tenant, id, request.endDate);
      if (memberships.some((membership) => membership.startDate > request.endDate)) {
        throw invalid(
          'endDate',
          'Das Gremium hat Mitgliedschaften, die erst nach diesem Tag beginnen.',
          'The body has memberships that begin only after this day.',
        );
      }
      const next: BodyEntity = { ...row, endDate: request.endDate, modifiedAt: now };
      await this.directory.update(manager, BodyEntity, next);
      await record({ subjectType: 'body', subjectId: id, action: 'body.ended', before: presentBody(row), after: presentBody(next) });
      for (const membership of memberships) {
        const ended: MembershipEntity = { ...membership, endDate: request.endDate, modifiedAt: now };
        await this.directory.update(manager, MembershipEntity, ended);
        await record({
          subjectType: 'membership',
          subjectId: membership.id,
          action: 'membership.ended',
          before: presentMembership(membership),
          after: presentMembership(ended),
          details: { cause: 'body.ended', bodyId: id },
        });
      }
      return presentBody(next);
    });
  }

  // ---- persons ----

  async listPersons(query: ListPersonsQuery): Promise<ListResponse<PersonResponse>> {
    const words = query.q ? query.q.split(/\s+/).filter(Boolean).slice(0, 5) : [];
    return this.list(query, (page) => this.directory.listPersons(this.tenant, page, words), presentPerson);
  }

  async getPerson(id: string): Promise<PersonResponse> {
    return presentPerson(await this.requirePerson(id));
  }

  async createPerson(request: CreatePersonRequest, actor: string): Promise<PersonResponse> {
    return this.command(actor, async (manager, now, record) => {
      await this.requireTenant(manager);
      const row: PersonEntity = {
        id: randomUUID(),
        tenant: this.tenant,
        givenName: request.givenName,
        familyName: request.familyName,
        formOfAddress: request.formOfAddress ?? null,
        title: request.title ?? null,
        email: request.email ?? null,
        locale: request.locale ?? 'de',
        createdAt: now,
        modifiedAt: now,
      };
      await this.directory.insert(manager, PersonEntity, row);
      await record({ subjectType: 'person', subjectId: row.id, action: 'person.created', before: null, after: presentPerson(row) });
      return presentPerson(row);
    });
  }

  async updatePerson(id: string, request: UpdatePersonRequest, actor: string): Promise<PersonResponse> {
    return this.command(actor, async (manager, now, record) => {
      const row = await this.requirePerson(id, manager);
      const next: PersonEntity = { ...row, ...defined(request), modifiedAt: now };
      const before = presentPerson(row);
      if (sameContent(before, presentPerson(next))) return before;
      await this.directory.update(manager, PersonEntity, next);
      await record({ subjectType: 'person', subjectId: id, action: 'person.changed', before, after: presentPerson(next) });
      return presentPerson(next);
    });
  }

  // ---- memberships ----

  async listMemberships(query: ListMembershipsQuery): Promise<ListResponse<MembershipResponse>> {
    const filter = {
      ...(query.body ? { bodyId: query.body } : {}),
      ...(query.person ? { personId: query.person } : {}),
      ...(query.on ? { on: query.on } : {}),
    };
    return this.list(query, (page) => this.directory.listMemberships(this.tenant, filter, page), presentMembership);
  }

  async getMembership(id: string): Promise<MembershipResponse> {
    return presentMembership(await this.requireMembership(id));
  }

  async createMembership(request: CreateMembershipRequest, actor: string): Promise<MembershipResponse> {
    return this.command(actor, async (manager, now, record) => {
      await this.requireTenant(manager);
      const person = await this.directory.findPerson(this.tenant, request.personId, manager);
      const body = await this.directory.findBody(this.tenant, request.bodyId, manager);
      if (!person) throw invalid('personId', 'Keine Person mit dieser Id.', 'No person with this id.');
      if (!body) throw invalid('bodyId', 'Kein Gremium mit dieser Id.', 'No body with this id.');
      if (body.endDate !== null && request.startDate > body.endDate) {
        throw invalid('startDate', `Das Gremium endete am ${body.endDate}.`, `The body ended on ${body.endDate}.`);
      }
      const row: MembershipEntity = {
        id: randomUUID(),
        tenant: this.tenant,
        personId: person.id,
        bodyId: body.id,
        role: request.role,
        votingRight: request.votingRight ?? true,
        startDate: request.startDate,
        endDate: request.endDate ?? null,
        createdAt: now,
        modifiedAt: now,
      };
      await this.directory.insert(manager, MembershipEntity, row);
      await record({ subjectType: 'membership', subjectId: row.id, action: 'membership.created', before: null, after: presentMembership(row) });
      return presentMembership(row);
    });
  }

  async updateMembership(id: string, request: UpdateMembershipRequest, actor: string): Promise<MembershipResponse> {
    return this.command(actor, async (manager, now, record) => {
      const row = await this.requireMembership(id, manager);
      const next: MembershipEntity = { ...row, ...defined(request), modifiedAt: now };
      if (next.endDate !== null && next.startDate > next.endDate) {
        throw invalid('startDate', `Die Mitgliedschaft endete am ${next.endDate}.`, `The membership ended on ${next.endDate}.`);
      }
      const before = presentMembership(row);
      if (sameContent(before, presentMembership(next))) return before;
      await this.directory.update(manager, MembershipEntity, next);
      await record({ subjectType: 'membership', subjectId: id, action: 'membership.changed', before, after: presentMembership(next) });
      return presentMembership(next);
    });
  }

  /** Ends a membership on `endDate`, its last day. */
  async endMembership(id: string, request: EndRequest, actor: string): Promise<MembershipResponse> {
    return this.command(actor, async (manager, now, record) => {
      const row = await this.requireMembership(id, manager);
      if (row.endDate !== null) {
        throw invalid('endDate', `Die Mitgliedschaft endete bereits am ${row.endDate}.`, `The membership already ended on ${row.endDate}.`);
      }
      if (request.endDate < row.startDate) {
        throw invalid('endDate', `Darf nicht vor dem Beginn (${row.startDate}) liegen.`, `Must not be before the start (${row.startDate}).`);
      }
      const next: MembershipEntity = { ...row, endDate: request.endDate, modifiedAt: now };
      await this.directory.update(manager, MembershipEntity, next);
      await record({ subjectType: 'membership', subjectId: id, action: 'membership.ended', before: presentMembership(row), after: presentMembership(next) });
      return presentMembership(next);
    });
  }

  // ---- meetings ----

  async listMeetings(query: ListMeetingsQuery): Promise<ListResponse<MeetingResponse>> {
    const filter = {
      ...(query.body ? { bodyId: query.body } : {}),
      ...(query.round ? { roundId: query.round } : {}),
      ...(query.from ? { from: new Date(query.from) } : {}),
      ...(query.until ? { until: new Date(query.until) } : {}),
    };
    return this.list(query, (page) => this.directory.listMeetings(this.tenant, page, filter), presentMeeting);
  }

  async getMeeting(id: string): Promise<MeetingResponse> {
    return presentMeeting(await this.requireMeeting(id));
  }

  /** Creates a meeting; when it serves a round's meeting, the round's deadlines follow its start. */
  async createMeeting(request: CreateMeetingRequest, actor: string): Promise<MeetingResponse> {
    return this.command(actor, async (manager, now, record) => {
      await this.requireTenant(manager);
      const body = await this.directory.findBody(this.tenant, request.bodyId, manager);
      if (!body) throw invalid('bodyId', 'Kein Gremium mit dieser Id.', 'No body with this id.');
      if (request.roundId) await this.requireRound(request.roundId);
      const row: MeetingEntity = {
        id: randomUUID(),
        tenant: this.tenant,
        bodyId: body.id,
        name: request.name,
        start: new Date(request.start),
        end: request.end ? new Date(request.end) : null,
        location: request.location ?? null,
        state: request.state ?? 'scheduled',
        roundId: request.roundId ?? null,
        meetingKey: request.meetingKey ?? null,
        createdAt: now,
        modifiedAt: now,
      };
      await this.directory.insert(manager, MeetingEntity, row);
      await record({ subjectType: 'meeting', subjectId: row.id, action: 'meeting.created', before: null, after: presentMeeting(row) });
      // Last, so that nothing reaches the round unless everything else has been written.
      await this.moveRoundMeeting(row, actor);
      return presentMeeting(row);
    });
  }

  /** Changes a meeting; when it serves a round's meeting and its start moves, the round's deadlines move too. */
  async updateMeeting(id: string, request: UpdateMeetingRequest, actor: string): Promise<MeetingResponse> {
    return this.command(actor, async (manager, now, record) => {
      const row = await this.requireMeeting(id, manager);
      const { start, end, ...rest } = defined(request);
      const next: MeetingEntity = {
        ...row,
        ...rest,
        ...(start !== undefined ? { start: new Date(start) } : {}),
        ...(end !== undefined ? { end: end === null ? null : new Date(end) } : {}),
        modifiedAt: now,
      };
      if (next.end !== null && next.end.getTime() < next.start.getTime()) {
        throw invalid(end !== undefined ? 'end' : 'start', 'Das Ende darf nicht vor dem Beginn liegen.', 'The end must not be before the start.');
      }
      if ((next.roundId === null) !== (next.meetingKey === null)) {
        const field = next.roundId === null ? 'roundId' : 'meetingKey';
        throw invalid(field, 'roundId und meetingKey gibt es nur zusammen.', 'roundId and meetingKey go together.');
      }
      const before = presentMeeting(row);
      if (sameContent(before, presentMeeting(next))) return before;
      const linkChanged = next.roundId !== row.roundId || next.meetingKey !== row.meetingKey;
      if (next.roundId !== null && linkChanged) await this.requireRound(next.roundId);
      await this.directory.update(manager, MeetingEntity, next);
      await record({ subjectType: 'meeting', subjectId: id, action: 'meeting.changed', before, after: presentMeeting(next) });
      if (linkChanged || next.start.getTime() !== row.start.getTime()) await this.moveRoundMeeting(next, actor);
      return presentMeeting(next);
    });
  }

  // ---- shared ----

  /** One transaction holding the tenant's directory lock; `record` appends to the directory's audit chain in it. */
  private async command<T>(
    actor: string,
    work: (manager: EntityManager, now: Date, record: (change: Change) => Promise<void>) => Promise<T>,
  ): Promise<T> {
    return this.directory.transaction(this.tenant, async (manager) => {
      const now = new Date();
      const record = (change: Change): Promise<void> =>
        this.audit.append(manager, [
          {
            tenant: this.tenant,
            chain: directoryChain(this.tenant),
            subjectType: change.subjectType,
            subjectId: change.subjectId,
            action: change.action,
            actor,
            before: change.before,
            after: change.after,
            ...(change.details ? { details: change.details } : {}),
            occurredAt: now,
          },
        ]);
      return work(manager, now, record);
    });
  }

  private async list<Row, Response>(
    query: ListQuery,
    fetch: (page: DirectoryPageRequest) => Promise<DirectoryPage<Row>>,
    present: (row: Row) => Response,
  ): Promise<ListResponse<Response>> {
    const page: DirectoryPageRequest = { limit: query.limit, ...(query.cursor ? { after: decodeCursor(query.cursor) } : {}) };
    try {
      const { rows, nextAfter } = await fetch(page);
      return { data: rows.map(present), ...(nextAfter ? { next: encodeCursor(nextAfter) } : {}) };
    } catch (error) {
      if (error instanceof InvalidPageKeyError) throw invalidCursor();
      throw error;
    }
  }

  /** Tells the round that its meeting moved; a round that has ended keeps its dates. */
  private async moveRoundMeeting(meeting: MeetingEntity, actor: string): Promise<void> {
    if (meeting.roundId === null || meeting.meetingKey === null) return;
    try {
      await this.rounds.rescheduleMeeting(meeting.roundId, meeting.meetingKey, { start: meeting.start.toISOString() }, actor);
    } catch (error) {
      if (error instanceof ProblemException && error.code === 'round-not-running') return;
      if (error instanceof ProblemException && error.code === 'round-not-found') throw noRound();
      if (error instanceof ProblemException && error.code === 'not-found') {
        throw invalid('meetingKey', 'Die Verfahrensvorlage der Runde kennt diese Sitzung nicht.', "The round's process template has no such meeting.");
      }
      throw error;
    }
  }

  private async requireRound(id: string): Promise<void> {
    try {
      await this.rounds.get(id);
    } catch (error) {
      if (error instanceof ProblemException && error.code === 'round-not-found') throw noRound();
      throw error;
    }
  }

  private async requireTenant(manager: EntityManager): Promise<void> {
    if (!(await this.directory.findTenant(this.tenant, manager))) throw this.tenantMissing();
  }

  private tenantMissing(): ProblemException {
    return notFound(
      `Der Mandant „${this.tenant}“ ist noch nicht angelegt (PUT /api/v1/tenant).`,
      `The tenant "${this.tenant}" has not been set up yet (PUT /api/v1/tenant).`,
    );
  }

  private async requireFreeBodyKey(manager: EntityManager, key: string): Promise<void> {
    if (await this.directory.findBodyByKey(this.tenant, key, manager)) {
      throw invalid('key', `Es gibt schon ein Gremium mit dem Schlüssel „${key}“.`, `There is a body with the key "${key}" already.`);
    }
  }

  private async requireBody(id: string, manager?: EntityManager): Promise<BodyEntity> {
    const row = await this.directory.findBody(this.tenant, id, manager);
    if (!row) throw notFound(`Kein Gremium mit der Id ${id}.`, `No body with id ${id}.`);
    return row;
  }

  private async requirePerson(id: string, manager?: EntityManager): Promise<PersonEntity> {
    const row = await this.directory.findPerson(this.tenant, id, manager);
    if (!row) throw notFound(`Keine Person mit der Id ${id}.`, `No person with id ${id}.`);
    return row;
  }

  private async requireMembership(id: string, manager?: EntityManager): Promise<MembershipEntity> {
    const row = await this.directory.findMembership(this.tenant, id, manager);
    if (!row) throw notFound(`Keine Mitgliedschaft mit der Id ${id}.`, `No membership with id ${id}.`);
    return row;
  }

  private async requireMeeting(id: string, manager?: EntityManager): Promise<MeetingEntity> {
    const row = await this.directory.findMeeting(this.tenant, id, manager);
    if (!row) throw notFound(`Keine Sitzung mit der Id ${id}.`, `No meeting with id ${id}.`);
    return row;
  }
}

function notFound(de: string, en: string): ProblemException {
  return new ProblemException('not-found', text(de, en));
}

/** A refused value, named by its field in the request body. */
function invalid(field: string, de: string, en: string): ProblemException {
  const message = text(de, en);
  return new ProblemException('validation-failed', message, (locale) => [{ field, message: message(locale) }]);
}

function noRound(): ProblemException {
  return invalid('roundId', 'Keine Beteiligungsrunde mit dieser Id.', 'No participation round with this id.');
}

/** The fields a PATCH gave, without those it left out. */
function defined<T extends object>(request: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(request).filter(([, value]) => value !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

/** Whether two presentations of a record say the same, apart from when it was last modified. */
function sameContent(a: { modifiedAt: string }, b: { modifiedAt: string }): boolean {
  return JSON.stringify({ ...a, modifiedAt: null }) === JSON.stringify({ ...b, modifiedAt: null });
}
