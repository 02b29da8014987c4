import { randomUUID } from 'node:crypto';
import { DEFAULT_STANDING_ORDERS } from '@ratsweg/domain';
import type { DataSource } from 'typeorm';
import { AuditRepository, directoryChain, type AuditAppend } from '../audit/audit.repository.js';
import { createDataSource } from '../database/data-source.js';
import { BodyEntity, type BodyClassification } from './body.entity.js';
import { DirectoryRepository } from './directory.repository.js';
import { LegislativeTermEntity } from './legislative-term.entity.js';
import { MembershipEntity, type MembershipRole } from './membership.entity.js';
import { PersonEntity } from './person.entity.js';
import type { TenantEntity } from './tenant.entity.js';

const SEED_ACTOR = 'system:seed';
const TERM_START = '2025-11-01';
const TERM_END = '2030-10-31';

/** The fictional municipality: every name is made up, the AGS belongs to no real municipality. */
const DEMO_TENANT = {
  name: 'Stadt Musterhausen',
  shortName: 'Musterhausen',
  ags: '05999001',
  website: 'https://www.musterhausen.example',
};

/** The bodies the shipped process templates name, by their keys. */
const DEMO_BODIES: { key: string; name: string; shortName: string; classification: BodyClassification }[] = [
  { key: 'rat', name: 'Rat der Stadt Musterhausen', shortName: 'Rat', classification: 'council' },
  { key: 'hauptausschuss', name: 'Haupt- und Finanzausschuss', shortName: 'HFA', classification: 'committee' },
  { key: 'ausschuss-digitales', name: 'Ausschuss für Digitalisierung', shortName: 'ADI', classification: 'committee' },
  { key: 'arbeitskreis-digitales', name: 'Arbeitskreis Digitale Agenda', shortName: 'AK Digitales', classification: 'working_group' },
  { key: 'fachbeirat-digitales', name: 'Fachbeirat Digitales', shortName: 'FB Digitales', classification: 'advisory_board' },
  { key: 'verwaltungsvorstand', name: 'Verwaltungsvorstand', shortName: 'VV', classification: 'administrative_board' },
  { key: 'ausschuss-planung', name: 'Ausschuss für Stadtplanung', shortName: 'APL', classification: 'committee' },
];

/** Obviously fictional people: [form of address, title, given name, family name]. */
const DEMO_PERSONS: [string, string | null, string, string][] = [
  ['Frau', null, 'Erika', 'Mustermann'],
  ['Herr', null, 'Max', 'Mustermann'],
  ['Frau', 'Dr.', 'Anna', 'Beispiel'],
  ['Herr', null, 'Bernd', 'Beispiel'],
  ['Frau', null, 'Clara', 'Platzhalter'],
  ['Herr', null, 'David', 'Platzhalter'],
  ['Frau', null, 'Emma', 'Exempel'],
  ['Herr', null, 'Felix', 'Exempel'],
  ['Frau', null, 'Greta', 'Musterfrau'],
  ['Herr', null, 'Hannes', 'Probe'],
  ['Frau', null, 'Ida', 'Probe'],
  ['Herr', null, 'Jonas', 'Vorlage'],
  ['Frau', null, 'Karla', 'Vorlage'],
  ['Herr', null, 'Lukas', 'Entwurf'],
  ['Frau', null, 'Mia', 'Entwurf'],
  ['Herr', null, 'Noah', 'Testmann'],
  ['Frau', null, 'Olivia', 'Testmann'],
  ['Herr', 'Prof. Dr.', 'Paul', 'Fiktiv'],
  ['Herr', null, 'Quirin', 'Fiktiv'],
  ['Frau', null, 'Rosa', 'Erfunden'],
  ['Herr', null, 'Simon', 'Erfunden'],
  ['Frau', null, 'Tara', 'Schablone'],
  ['Herr', null, 'Udo', 'Schablone'],
  ['Frau', null, 'Vera', 'Muster'],
  ['Herr', null, 'Willi', 'Muster'],
];

/** Seats by body key: [person index into DEMO_PERSONS, role, voting right, start, end]. */
type Seat = [number, MembershipRole, boolean, string?, string?];
const SECRETARY = 24;
const DEMO_SEATS: Record<string, Seat[]> = {
  rat: [
    [0, 'chair', true],
    [1, 'deputy_chair', true],
    ...[2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14].map((index): Seat => [index, 'member', true]),
    [SECRETARY, 'secretary', false],
  ],
  hauptausschuss: [[1, 'chair', true], [2, 'deputy_chair', true], [3, 'member', true], [4, 'member', true], [5, 'member', true], [6, 'member', true], [23, 'secretary', false]],
  'ausschuss-digitales': [
    [2, 'chair', true],
    [7, 'deputy_chair', true],
    [8, 'member', true],
    [9, 'member', true],
    // The one membership that has ended: a seat changed hands in spring 2026.
    [15, 'member', true, TERM_START, '2026-03-31'],
    [16, 'member', true, '2026-04-01'],
    [21, 'secretary', false],
  ],
  'arbeitskreis-digitales': [[9, 'chair', true], [10, 'member', true], [16, 'member', true], [19, 'member', true], [21, 'secretary', false]],
  'fachbeirat-digitales': [[17, 'chair', true], [18, 'member', true], [19, 'member', true], [20, 'member', true], [22, 'secretary', false]],
  verwaltungsvorstand: [[0, 'chair', true], [22, 'member', true], [23, 'member', true], [SECRETARY, 'secretary', false]],
  'ausschuss-planung': [[11, 'chair', true], [12, 'deputy_chair', true], [13, 'member', true], [14, 'member', true], [3, 'member', true], [20, 'secretary', false]],
};

export interface DemoSeedResult {
  tenant: string;
  /** False when the tenant existed already: then nothing was written. */
  created: boolean;
}

/**
 * Writes the directory of a fictional municipality for `tenantKey`: the tenant, the legislative
 * term 2025–2030, the bodies the shipped templates name, 25 persons and their memberships, each
 * recorded in the directory's audit trail. Runs once: when the tenant exists already it
 * changes nothing, so it can run at every start.
 */
export async function seedDemoDirectory(dataSource: DataSource, tenantKey: string): Promise<DemoSeedResult> {
  const directory = new DirectoryRepository(dataSource);
  const audit = new AuditRepository(dataSource);
  return directory.transaction(tenantKey, async (manager) => {
    if (await directory.findTenant(tenantKey, manager)) return { tenant: tenantKey, created: false };
    const now = new Date();
    const stamps = { createdAt: now, modifiedAt: now };
    const entries: AuditAppend[] = [];
    const record = (subjectType: string, subjectId: string, after: object): void => {
      entries.push({
        tenant: tenantKey,
        chain: directoryChain(tenantKey),
        subjectType,
        subjectId,
        action: `${subjectType}.created`,
        actor: SEED_ACTOR,
        after: { ...after },
        occurredAt: now,
      });
    };

    const tenant: TenantEntity = { key: tenantKey, ...DEMO_TENANT, standingOrders: DEFAULT_STANDING_ORDERS, ...stamps };
    await directory.insertTenant(manager, tenant);
    record('tenant', tenantKey, tenant);

    const term: LegislativeTermEntity = { id: randomUUID(), tenant: tenantKey, name: 'Wahlperiode 2025–2030', startDate: TERM_START, endDate: TERM_END, ...stamps };
    await directory.insert(manager, LegislativeTermEntity, term);
    record('legislative_term', term.id, term);

    const bodies = new Map<string, BodyEntity>();
    for (const spec of DEMO_BODIES) {
      const body: BodyEntity = { id: randomUUID(), tenant: tenantKey, ...spec, startDate: TERM_START, endDate: null, ...stamps };
      await directory.insert(manager, BodyEntity, body);
      record('body', body.id, body);
      bodies.set(body.key, body);
    }

    const persons: PersonEntity[] = [];
    for (const [formOfAddress, title, givenName, familyName] of DEMO_PERSONS) {
      const person: PersonEntity = {
        id: randomUUID(),
        tenant: tenantKey,
        givenName,
        familyName,
        formOfAddress,
        title,
        email: `${ascii(givenName)}.${ascii(familyName)}@musterhausen.example`,
        locale: 'de',
        ...stamps,
      };
      await directory.insert(manager, PersonEntity, person);
      record('person', person.id, person);
      persons.push(person);
    }

    for (const [bodyKey, seats] of Object.entries(DEMO_SEATS)) {
      const body = bodies.get(bodyKey) as BodyEntity;
      for (const [index, role, votingRight, startDate = TERM_START, endDate = null] of seats) {
        const membership: MembershipEntity = {
          id: randomUUID(),
          tenant: tenantKey,
          personId: (persons[index] as PersonEntity).id,
          bodyId: body.id,
          role,
          votingRight,
          startDate,
          endDate,
          ...stamps,
        };
        await directory.insert(manager, MembershipEntity, membership);
        record('membership', membership.id, membership);
      }
    }
    await audit.append(manager, entries);
    return { tenant: tenantKey, created: true };
  });
}

/** For `npm start` and `npm run seed:demo`: seeds through a connection of its own. */
export async function seedDemoDirectoryAt(options: { url: string; tenant: string }): Promise<DemoSeedResult> {
  const dataSource = await createDataSource({ url: options.url, poolSize: 1 }).initialize();
  try {
    return await seedDemoDirectory(dataSource, options.tenant);
  } finally {
    await dataSource.destroy();
  }
}

function ascii(name: string): string {
  return name
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]+/g, '-');
}
