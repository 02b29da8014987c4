import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager, EntityTarget, FindOptionsWhere } from 'typeorm';
import { AuditRepository, directoryChain } from '../audit/audit.repository.js';
import { BodyEntity } from '../directory/body.entity.js';
import { DirectoryRepository, type DirectoryEntity } from '../directory/directory.repository.js';
import { MeetingEntity } from '../directory/meeting.entity.js';
import { MembershipEntity } from '../directory/membership.entity.js';
import { PersonEntity } from '../directory/person.entity.js';
import { DEFAULT_OPARL_FETCH_LIMITS, OparlFetchClient, OparlImportError, isObject, type OparlFetchLimits, type OparlObject } from './oparl-fetch.client.js';
import { OPARL_IMPORT_KINDS, OparlImportRefRepository, type OparlImportKind } from './oparl-import-ref.repository.js';
import {
  bodyKeySlug,
  contentHash,
  mapMeeting,
  mapMembership,
  mapOrganization,
  mapPerson,
  oparlType,
  uniqueBodyKey,
  type OparlMeetingFields,
  type OparlMembershipFields,
} from './oparl-mapping.util.js';

export { DEFAULT_OPARL_FETCH_LIMITS, OparlImportError, type OparlFetchLimits } from './oparl-fetch.client.js';
export { OPARL_IMPORT_KINDS, type OparlImportKind } from './oparl-import-ref.repository.js';

export type OparlImportCounts = Record<OparlImportKind, number>;

export interface OparlImportOptions {
  dataSource: DataSource;
  /** The Ratsweg tenant the objects are imported into; its `tenant` row must exist. */
  tenant: string;
  /** An OParl System: its only Body is imported. */
  systemUrl?: string;
  /** An OParl Body. */
  bodyUrl?: string;
  /** A System or a Body, told apart by the object's `type` (exactly one of the three URLs). */
  url?: string;
  fetch?: typeof fetch;
  /** Who imports, for the audit trail: a user id or `system:<component>`. */
  actor: string;
  /** Defaults: 10 MB per response, 30 s per request, 10,000 objects per list. */
  limits?: Partial<OparlFetchLimits>;
}

export interface OparlImportResult {
  /** The OParl Body that was imported. */
  body: string;
  created: OparlImportCounts;
  updated: OparlImportCounts;
  unchanged: OparlImportCounts;
  /** Objects not imported: deleted, of another type, without the required fields, or pointing to objects not imported. */
  skipped: OparlImportCounts;
}

type Outcome = 'created' | 'updated' | 'unchanged';

const SUBJECT_TYPE: Record<OparlImportKind, string> = { organization: 'body', person: 'person', membership: 'membership', meeting: 'meeting' };

/**
 * Imports the organizations (as bodies), persons, memberships and meetings of an OParl 1.1 Body
 * into a tenant's directory. Everything is read first, so a server that fails half-way writes
 * nothing. Each object is then written with its `oparl_import_ref` in one transaction, with one
 * audit entry on the tenant's directory chain; an object whose imported fields hash as before is
 * left alone, so running the import twice changes nothing.
 */
export async function importFromOparl(options: OparlImportOptions): Promise<OparlImportResult> {
  const given = [options.systemUrl, options.bodyUrl, options.url].filter((value): value is string => typeof value === 'string');
  if (given.length !== 1) throw new OparlImportError('give exactly one of systemUrl, bodyUrl or url');
  const directory = new DirectoryRepository(options.dataSource);
  if (!(await directory.findTenant(options.tenant))) {
    throw new OparlImportError(`tenant "${options.tenant}" does not exist: create its tenant row before importing into it`);
  }
  const client = new OparlFetchClient(options.fetch ?? globalThis.fetch, { ...DEFAULT_OPARL_FETCH_LIMITS, ...options.limits });
  const body = await resolveBody(client, options);
  const source = await readBody(client, body);
  return new OparlImportRun(options, directory).write(source);
}

interface OparlSource {
  body: string;
  organizations: OparlObject[];
  persons: OparlObject[];
  /** With the URL of the person that embeds them, for memberships without `person`. */
  memberships: { object: OparlObject; person?: string }[];
  meetings: OparlObject[];
  /** Objects left out while reading (deleted, of another type, no id), by kind. */
  skipped: OparlImportCounts;
}

async function resolveBody(client: OparlFetchClient, options: OparlImportOptions): Promise<OparlObject> {
  const url = (options.systemUrl ?? options.bodyUrl ?? options.url) as string;
  const expected = options.systemUrl ? ['System'] : options.bodyUrl ? ['Body'] : ['System', 'Body'];
  const object = await client.object(url);
  const type = oparlType(object);
  if (!type || !expected.includes(type)) {
    throw new OparlImportError(`${url} is not an OParl ${expected.join(' or ')} (its type is ${JSON.stringify(object.type ?? null)})`, url);
  }
  if (type === 'Body') return object;
  if (typeof object.body !== 'string') throw new OparlImportError(`the OParl System ${url} has no body list`, url);
  const bodies = (await client.list(object.body)).filter((candidate) => oparlType(candidate) === 'Body' && candidate.deleted !== true);
  if (bodies.length !== 1) {
    const ids = bodies.map((candidate) => String(candidate.id)).join(', ');
    throw new OparlImportError(`the OParl System ${url} has ${bodies.length} bodies${ids ? ` (${ids})` : ''}: import one of them by its body URL`, url);
  }
  return bodies[0] as OparlObject;
}

async function readBody(client: OparlFetchClient, body: OparlObject): Promise<OparlSource> {
  const bodyId = String(body.id);
  const skipped = counts();
  const list = async (field: string, kind: OparlImportKind, type: string, required: boolean): Promise<OparlObject[]> => {
    const url = body[field];
    if (typeof url !== 'string') {
      if (required) throw new OparlImportError(`the OParl Body ${bodyId} has no ${field} list`, bodyId);
      return [];
    }
    return (await client.list(url)).filter((object) => {
      const keep = importable(object, type);
      if (!keep) skipped[kind] += 1;
      return keep;
    });
  };
  const organizations = await list('organization', 'organization', 'Organization', true);
  const persons = await list('person', 'person', 'Person', true);
  const listed = await list('membership', 'membership', 'Membership', false);
  const meetings = await list('meeting', 'meeting', 'Meeting', false);

  // OParl 1.0 servers have no membership list: their persons embed the memberships.
  const memberships: OparlSource['memberships'] = listed.map((object) => ({ object }));
  const seen = new Set(listed.map((object) => object.id as string));
  for (const person of persons) {
    for (const embedded of Array.isArray(person.membership) ? person.membership : []) {
      if (!isObject(embedded) || seen.has(embedded.id as string)) continue;
      if (!importable(embedded, 'Membership')) {
        skipped.membership += 1;
        continue;
      }
      seen.add(embedded.id as string);
      memberships.push({ object: embedded, person: person.id as string });
    }
  }
  return { body: bodyId, organizations, persons, memberships, meetings, skipped };
}

/** Not deleted, of the expected type (when it says), with an http(s) URL as its id. */
function importable(object: OparlObject, type: string): boolean {
  if (object.deleted === true) return false;
  const actual = oparlType(object);
  if (actual !== undefined && actual !== type) return false;
  return typeof object.id === 'string' && /^https?:\/\//.test(object.id) && object.id.length <= 2_000;
}

function counts(): OparlImportCounts {
  return Object.fromEntries(OPARL_IMPORT_KINDS.map((kind) => [kind, 0])) as OparlImportCounts;
}

interface Upsert<T extends DirectoryEntity> {
  kind: OparlImportKind;
  oparlId: string;
  target: EntityTarget<T>;
  /** The imported columns; their hash decides whether anything changed. */
  columns: Partial<T>;
  /** A new row with these columns. */
  create: (manager: EntityManager, now: Date) => Promise<T>;
}

class OparlImportRun {
  private readonly refs = new OparlImportRefRepository();
  private readonly audit: AuditRepository;
  private readonly result: OparlImportResult;

  constructor(
    private readonly options: OparlImportOptions,
    private readonly directory: DirectoryRepository,
  ) {
    this.audit = new AuditRepository(options.dataSource);
    this.result = { body: '', created: counts(), updated: counts(), unchanged: counts(), skipped: counts() };
  }

  private get tenant(): string {
    return this.options.tenant;
  }

  async write(source: OparlSource): Promise<OparlImportResult> {
    this.result.body = source.body;
    this.result.skipped = { ...source.skipped };

    for (const object of source.organizations) {
      const fields = mapOrganization(object);
      if (!fields) {
        this.result.skipped.organization += 1;
        continue;
      }
      await this.upsert<BodyEntity>({
        kind: 'organization',
        oparlId: object.id as string,
        target: BodyEntity,
        columns: fields,
        create: async (manager, now) => ({
          id: randomUUID(),
          tenant: this.tenant,
          key: await this.freeBodyKey(manager, bodyKeySlug(fields.shortName || fields.name)),
          ...fields,
          createdAt: now,
          modifiedAt: now,
        }),
      });
    }

    for (const object of source.persons) {
      const fields = mapPerson(object);
      if (!fields) {
        this.result.skipped.person += 1;
        continue;
      }
      await this.upsert<PersonEntity>({
        kind: 'person',
        oparlId: object.id as string,
        target: PersonEntity,
        columns: fields,
        create: async (_manager, now) => ({ id: randomUUID(), tenant: this.tenant, ...fields, locale: 'de', createdAt: now, modifiedAt: now }),
      });
    }

    const manager = this.options.dataSource.manager;
    const bodyIds = await this.refs.localIds(manager, this.tenant, 'organization');
    const personIds = await this.refs.localIds(manager, this.tenant, 'person');

    for (const { object, person } of source.memberships) {
      const fields = mapMembership(object, person);
      const bodyId = fields && bodyIds.get(fields.organization);
      const personId = fields && personIds.get(fields.person);
      if (!fields || !bodyId || !personId) {
        this.result.skipped.membership += 1;
        continue;
      }
      const columns = await this.membershipColumns(fields, personId, bodyId);
      await this.upsert<MembershipEntity>({
        kind: 'membership',
        oparlId: object.id as string,
        target: MembershipEntity,
        columns,
        create: async (_manager, now) => ({ id: randomUUID(), tenant: this.tenant, ...columns, createdAt: now, modifiedAt: now }),
      });
    }

    for (const object of source.meetings) {
      const fields = mapMeeting(object);
      const bodyId = fields && bodyIds.get(fields.organization);
      if (!fields || !bodyId) {
        this.result.skipped.meeting += 1;
        continue;
      }
      const columns = meetingColumns(fields, bodyId);
      await this.upsert<MeetingEntity>({
        kind: 'meeting',
        oparlId: object.id as string,
        target: MeetingEntity,
        columns,
        create: async (_manager, now) => ({
          id: randomUUID(),
          tenant: this.tenant,
          ...columns,
          roundId: null,
          meetingKey: null,
          createdAt: now,
          modifiedAt: now,
        }),
      });
    }
    return this.result;
  }

  /** A membership without a start date starts with its body. */
  private async membershipColumns(fields: OparlMembershipFields, personId: string, bodyId: string) {
    let startDate = fields.startDate;
    if (!startDate) {
      const body = await this.directory.findBody(this.tenant, bodyId);
      startDate = body?.startDate ?? '1970-01-01';
    }
    const endDate = fields.endDate && fields.endDate >= startDate ? fields.endDate : null;
    return { personId, bodyId, role: fields.role, votingRight: fields.votingRight, startDate, endDate };
  }

  /** Inserts or updates one row and its reference in one transaction, with its audit entry; nothing when the hash is unchanged. */
  private async upsert<T extends DirectoryEntity>(spec: Upsert<T>): Promise<void> {
    const hash = contentHash(spec.columns);
    const subjectType = SUBJECT_TYPE[spec.kind];
    const outcome = await this.directory.transaction(this.tenant, async (manager): Promise<Outcome> => {
      const ref = await this.refs.lock(manager, this.tenant, spec.oparlId);
      if (ref && ref.kind !== spec.kind) {
        throw new OparlImportError(`${spec.oparlId} was imported as ${ref.kind} before and is now a ${spec.kind}`, spec.oparlId);
      }
      const existing = ref ? ((await manager.findOne(spec.target, { where: { tenant: this.tenant, id: ref.localId } as FindOptionsWhere<T> })) as T | null) : null;
      if (existing && ref?.contentHash === hash) return 'unchanged';
      const now = new Date();
      let row: T;
      let before: Record<string, unknown> | null = null;
      if (existing) {
        before = pick(existing, spec.columns);
        row = { ...existing, ...spec.columns, modifiedAt: now };
        await this.directory.update(manager, spec.target, row);
      } else {
        // New, or its row was deleted here since the last import.
        row = await spec.create(manager, now);
        await this.directory.insert(manager, spec.target, row);
      }
      await this.refs.save(manager, { tenant: this.tenant, oparlId: spec.oparlId, kind: spec.kind, localId: row.id, contentHash: hash, importedAt: now });
      await this.audit.append(manager, [
        {
          tenant: this.tenant,
          chain: directoryChain(this.tenant),
          subjectType,
          subjectId: row.id,
          action: `${subjectType}.imported`,
          actor: this.options.actor,
          details: { oparlId: spec.oparlId, change: existing ? 'updated' : 'created' },
          before,
          after: pick(row, existing ? spec.columns : row),
          occurredAt: now,
        },
      ]);
      return existing ? 'updated' : 'created';
    });
    this.result[outcome][spec.kind] += 1;
  }

  /** The slug, or the slug with a number, whichever no other body of the tenant has. */
  private async freeBodyKey(manager: EntityManager, base: string): Promise<string> {
    const rows = (await manager.query(`SELECT "key" FROM "body" WHERE "tenant" = $1 AND ("key" = $2 OR "key" LIKE $3)`, [
      this.tenant,
      base,
      `${base.slice(0, 50).replace(/[%_]/g, '')}%`,
    ])) as { key: string }[];
    const taken = new Set(rows.map((row) => row.key));
    return uniqueBodyKey(base, (key) => taken.has(key));
  }
}

function meetingColumns(fields: OparlMeetingFields, bodyId: string) {
  return {
    bodyId,
    name: fields.name,
    start: new Date(fields.start),
    end: fields.end ? new Date(fields.end) : null,
    location: fields.location,
    state: fields.state,
  };
}

/** The fields of `row` named in `shape`, as JSON (instants as ISO strings), for the audit trail. */
function pick(row: object, shape: object): Record<string, unknown> {
  const values = row as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(shape).map((key) => {
      const value = values[key];
      return [key, value instanceof Date ? value.toISOString() : (value ?? null)];
    }),
  );
}
