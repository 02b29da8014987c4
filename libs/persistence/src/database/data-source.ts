import { DataSource } from 'typeorm';
import { AuditEntryEntity } from '../audit/audit-entry.entity.js';
import { InitialSchema1764064800000 } from '../migrations/1764064800000-initial-schema.js';
import { RoundEntity } from '../round/round.entity.js';
import { ProcessTemplates1764072000000 } from '../migrations/1764072000000-process-templates.js';
import { AuditChain1764079200000 } from '../migrations/1764079200000-audit-chain.js';
import { RoundList1764082800000 } from '../migrations/1764082800000-round-list.js';
import { ProcessTemplateEntity } from '../template/process-template.entity.js';
import { BodyEntity } from '../directory/body.entity.js';
import { LegislativeTermEntity } from '../directory/legislative-term.entity.js';
import { MeetingEntity } from '../directory/meeting.entity.js';
import { MembershipEntity } from '../directory/membership.entity.js';
import { PersonEntity } from '../directory/person.entity.js';
import { TenantEntity } from '../directory/tenant.entity.js';
import { Directory1764086400000 } from '../migrations/1764086400000-directory.js';
import { StageFiles1764090000000 } from '../migrations/1764090000000-stage-files.js';
import { StageFileEntity } from '../file/stage-file.entity.js';
import { OparlImport1764093600000 } from '../migrations/1764093600000-oparl-import.js';
import { Notifications1764097200000 } from '../migrations/1764097200000-notifications.js';
import { NotificationPreferences1764104400000 } from '../migrations/1764104400000-notification-preferences.js';
import { Webhooks1764100800000 } from '../migrations/1764100800000-webhooks.js';
import { Auth1764108000000 } from '../migrations/1764108000000-auth.js';
import { PublicComments1764111600000 } from '../migrations/1764111600000-public-comments.js';
import { OidcLogin1764112500000 } from '../migrations/1764112500000-oidc-login.js';
import { Idempotency1764115200000 } from '../migrations/1764115200000-idempotency.js';
import { InboundEvents1764118800000 } from '../migrations/1764118800000-inbound-events.js';
import { StageFilePublication1764126000000 } from '../migrations/1764126000000-stage-file-publication.js';
import { OutboxWakeup1764129600000 } from '../migrations/1764129600000-outbox-wakeup.js';

export const ENTITIES = [RoundEntity, AuditEntryEntity, ProcessTemplateEntity, TenantEntity, LegislativeTermEntity, BodyEntity, PersonEntity, MembershipEntity, MeetingEntity, StageFileEntity];
export const MIGRATIONS = [
  InitialSchema1764064800000,
  ProcessTemplates1764072000000,
  AuditChain1764079200000,
  RoundList1764082800000,
  Directory1764086400000,
  StageFiles1764090000000,
  OparlImport1764093600000,
  Notifications1764097200000,
  Webhooks1764100800000,
  NotificationPreferences1764104400000,
  Auth1764108000000,
  PublicComments1764111600000,
  OidcLogin1764112500000,
  Idempotency1764115200000,
  InboundEvents1764118800000,
  StageFilePublication1764126000000,
  OutboxWakeup1764129600000,
  // (new migrations are appended here, in timestamp order; TypeORM runs them by timestamp)
];

export interface DatabaseOptions {
  url: string;
  poolSize?: number;
}

/** The one way to reach the database: schema changes come only from migrations. */
export function createDataSource(options: DatabaseOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migration',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // Extensions come from migrations too (gen_random_uuid() is built into PostgreSQL 13+).
    installExtensions: false,
    logging: ['error', 'warn', 'migration'],
    poolSize: options.poolSize ?? 10,
    extra: { connectionTimeoutMillis: 5_000 },
  });
}
