import type { DataSource, EntityManager, EntityTarget, FindOptionsWhere, ObjectLiteral, QueryDeepPartialEntity, SelectQueryBuilder } from 'typeorm';
import { directoryChain } from '../audit/audit.repository.js';
import { BodyEntity, type BodyClassification } from './body.entity.js';
import { LegislativeTermEntity } from './legislative-term.entity.js';
import { MeetingEntity } from './meeting.entity.js';
import { MembershipEntity } from './membership.entity.js';
import { PersonEntity } from './person.entity.js';
import { TenantEntity } from './tenant.entity.js';
import { isUuid } from '@ratsweg/domain';

/** A row of a tenant's directory: everything but the tenant row itself. */
export type DirectoryEntity = BodyEntity | PersonEntity | MembershipEntity | MeetingEntity | LegislativeTermEntity;

export interface DirectoryPageRequest {
  /** At most this many rows (1..200). */
  limit: number;
  /** The sort key of the last row of the previous page, as `nextAfter` gave it. */
  after?: readonly string[];
}

export interface DirectoryPage<T> {
  rows: T[];
  /** The sort key of the last row when more rows follow; absent on the last page. */
  nextAfter?: string[];
}

export interface MembershipFilter {
  bodyId?: string;
  personId?: string;
  /** Only memberships that last on this day (`YYYY-MM-DD`), see `isMemberOn`. */
  on?: string;
}

export interface MeetingFilter {
  bodyId?: string;
  /** Meetings that serve this participation round. */
  roundId?: string;
  /** Meetings that start at or after this instant. */
  from?: Date;
  /** Meetings that start before this instant. */
  until?: Date;
}

/** A LIKE pattern that finds `word` anywhere, its wildcards taken literally. */
function likePattern(word: string): string {
  return `%${word.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/** The sort key of a page does not fit the list it was given to. */
export class InvalidPageKeyError extends Error {
  constructor() {
    super('the cursor does not belong to this list');
    this.name = 'InvalidPageKeyError';
  }
}

type SortKind = 'text' | 'date' | 'instant' | 'uuid';

interface SortColumn<T> {
  property: keyof T & string;
  kind: SortKind;
}

/** Each list is in a fixed order that ends with the id, so that keyset pages never skip or repeat a row. */
const BODY_ORDER: SortColumn<BodyEntity>[] = [
  { property: 'name', kind: 'text' },
  { property: 'id', kind: 'uuid' },
];
const PERSON_ORDER: SortColumn<PersonEntity>[] = [
  { property: 'familyName', kind: 'text' },
  { property: 'givenName', kind: 'text' },
  { property: 'id', kind: 'uuid' },
];
const MEMBERSHIP_ORDER: SortColumn<MembershipEntity>[] = [
  { property: 'startDate', kind: 'date' },
  { property: 'id', kind: 'uuid' },
];
const MEETING_ORDER: SortColumn<MeetingEntity>[] = [
  { property: 'start', kind: 'instant' },
  { property: 'id', kind: 'uuid' },
];
const LEGISLATIVE_TERM_ORDER: SortColumn<LegislativeTermEntity>[] = [
  { property: 'startDate', kind: 'date' },
  { property: 'id', kind: 'uuid' },
];

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The council directory of each tenant; every query is bound to one tenant. */
export class DirectoryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Runs `work` in one transaction that holds the tenant's directory lock, so that the
   * commands on one tenant's directory run one after the other and check what they write
   * against what is there.
   */
  async transaction<T>(tenant: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [directoryChain(tenant)]);
      return work(manager);
    });
  }

  async findTenant(key: string, manager: EntityManager = this.dataSource.manager): Promise<TenantEntity | null> {
    return manager.findOne(TenantEntity, { where: { key } });
  }

  async insertTenant(manager: EntityManager, tenant: TenantEntity): Promise<TenantEntity> {
    await manager.insert(TenantEntity, tenant);
    return tenant;
  }

  async updateTenant(manager: EntityManager, tenant: TenantEntity): Promise<TenantEntity> {
    const { key, ...changes } = tenant;
    await manager.update(TenantEntity, { key }, changes);
    return tenant;
  }

  async findBody(tenant: string, id: string, manager: EntityManager = this.dataSource.manager): Promise<BodyEntity | null> {
    return isUuid(id) ? manager.findOne(BodyEntity, { where: { tenant, id } }) : null;
  }

  async findBodyByKey(tenant: string, key: string, manager: EntityManager = this.dataSource.manager): Promise<BodyEntity | null> {
    return manager.findOne(BodyEntity, { where: { tenant, key } });
  }

  async findPerson(tenant: string, id: string, manager: EntityManager = this.dataSource.manager): Promise<PersonEntity | null> {
    return isUuid(id) ? manager.findOne(PersonEntity, { where: { tenant, id } }) : null;
  }

  async findMembership(tenant: string, id: string, manager: EntityManager = this.dataSource.manager): Promise<MembershipEntity | null> {
    return isUuid(id) ? manager.findOne(MembershipEntity, { where: { tenant, id } }) : null;
  }

  async findMeeting(tenant: string, id: string, manager: EntityManager = this.dataSource.manager): Promise<MeetingEntity | null> {
    return isUuid(id) ? manager.findOne(MeetingEntity, { where: { tenant, id } }) : null;
  }

  async findLegislativeTerm(tenant: string, id: string, manager: EntityManager = this.dataSource.manager): Promise<LegislativeTermEntity | null> {
    return isUuid(id) ? manager.findOne(LegislativeTermEntity, { where: { tenant, id } }) : null;
  }

  /** `classification`: only bodies of this kind; `on`: only bodies that exist on this day (`YYYY-MM-DD`). */
  async listBodies(tenant: string, page: DirectoryPageRequest, filter: { classification?: BodyClassification; on?: string } = {}): Promise<DirectoryPage<BodyEntity>> {
    return this.page(BodyEntity, tenant, BODY_ORDER, page, (query) => {
      if (filter.classification) query.andWhere('e.classification = :classification', { classification: filter.classification });
      if (filter.on) query.andWhere('e.startDate <= :on AND (e.endDate IS NULL OR e.endDate >= :on)', { on: filter.on });
    });
  }

  /** `words`: each must appear in the given or family name (any case). */
  async listPersons(tenant: string, page: DirectoryPageRequest, words: readonly string[] = []): Promise<DirectoryPage<PersonEntity>> {
    return this.page(PersonEntity, tenant, PERSON_ORDER, page, (query) => {
      for (const [index, word] of words.entries()) {
        query.andWhere(`(e.givenName ILIKE :word${index} OR e.familyName ILIKE :word${index})`, { [`word${index}`]: likePattern(word) });
      }
    });
  }

  async listMemberships(tenant: string, filter: MembershipFilter, page: DirectoryPageRequest): Promise<DirectoryPage<MembershipEntity>> {
    return this.page(MembershipEntity, tenant, MEMBERSHIP_ORDER, page, (query) => {
      if (filter.bodyId) query.andWhere('e.bodyId = :bodyId', { bodyId: filter.bodyId });
      if (filter.personId) query.andWhere('e.personId = :personId', { personId: filter.personId });
      // The same rule as isMemberOn: from the first to the last day, both included.
      if (filter.on) query.andWhere('e.startDate <= :on AND (e.endDate IS NULL OR e.endDate >= :on)', { on: filter.on });
    });
  }

  async listMeetings(tenant: string, page: DirectoryPageRequest, filter: MeetingFilter = {}): Promise<DirectoryPage<MeetingEntity>> {
    return this.page(MeetingEntity, tenant, MEETING_ORDER, page, (query) => {
      if (filter.bodyId) query.andWhere('e.bodyId = :bodyId', { bodyId: filter.bodyId });
      if (filter.roundId) query.andWhere('e.roundId = :roundId', { roundId: filter.roundId });
      if (filter.from) query.andWhere('e.start >= :from', { from: filter.from });
      if (filter.until) query.andWhere('e.start < :until', { until: filter.until });
    });
  }

  async listLegislativeTerms(tenant: string, page: DirectoryPageRequest): Promise<DirectoryPage<LegislativeTermEntity>> {
    return this.page(LegislativeTermEntity, tenant, LEGISLATIVE_TERM_ORDER, page);
  }

  /** The memberships of a body that last beyond `date` (or have no end). */
  async membershipsOfBodyAfter(manager: EntityManager, tenant: string, bodyId: string, date: string): Promise<MembershipEntity[]> {
    return manager
      .createQueryBuilder(MembershipEntity, 'e')
      .where('e.tenant = :tenant AND e.bodyId = :bodyId', { tenant, bodyId })
      .andWhere('(e.endDate IS NULL OR e.endDate > :date)', { date })
      .orderBy('e.startDate', 'ASC')
      .addOrderBy('e.id', 'ASC')
      .getMany();
  }

  async insert<T extends DirectoryEntity>(manager: EntityManager, target: EntityTarget<T>, row: T): Promise<T> {
    await manager.insert(target, row as QueryDeepPartialEntity<T>);
    return row;
  }

  /** Writes every column of `row` except its identity (tenant, id). */
  async update<T extends DirectoryEntity>(manager: EntityManager, target: EntityTarget<T>, row: T): Promise<T> {
    const { tenant, id, createdAt: _createdAt, ...changes } = row;
    // TypeScript cannot narrow the rest of a generic union member back to a partial of T.
    await manager.update(target, { tenant, id } as FindOptionsWhere<T>, changes as unknown as QueryDeepPartialEntity<T>);
    return row;
  }

  private async page<T extends ObjectLiteral>(
    target: EntityTarget<T>,
    tenant: string,
    order: SortColumn<T>[],
    request: DirectoryPageRequest,
    filter?: (query: SelectQueryBuilder<T>) => void,
  ): Promise<DirectoryPage<T>> {
    const query = this.dataSource.manager.createQueryBuilder(target, 'e').where('e.tenant = :tenant', { tenant });
    filter?.(query);
    if (request.after) {
      if (!fitsOrder(request.after, order)) throw new InvalidPageKeyError();
      const columns = order.map((column) => `e.${column.property}`).join(', ');
      const values = order.map((_, index) => `:after${index}`).join(', ');
      query.andWhere(`(${columns}) > (${values})`, Object.fromEntries(request.after.map((value, index) => [`after${index}`, value])));
    }
    for (const [index, column] of order.entries()) {
      if (index === 0) query.orderBy(`e.${column.property}`, 'ASC');
      else query.addOrderBy(`e.${column.property}`, 'ASC');
    }
    const rows = await query.limit(request.limit + 1).getMany();
    if (rows.length <= request.limit) return { rows };
    const visible = rows.slice(0, request.limit);
    const last = visible.at(-1) as T;
    return { rows: visible, nextAfter: order.map((column) => sortValue(last[column.property])) };
  }
}

function sortValue(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

function fitsOrder<T>(after: readonly string[], order: SortColumn<T>[]): boolean {
  return (
    after.length === order.length &&
    order.every((column, index) => {
      const value = after[index];
      if (typeof value !== 'string' || value.length > 1_000) return false;
      switch (column.kind) {
        case 'uuid':
          return isUuid(value);
        case 'date':
          return ISO_DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
        case 'instant':
          return !Number.isNaN(Date.parse(value));
        case 'text':
          return true;
      }
    })
  );
}
