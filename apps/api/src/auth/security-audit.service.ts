import { Inject, Injectable, Logger } from '@nestjs/common';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import { AuditRepository, type AuditAppend } from '@ratsweg/persistence';
import type { EntityManager } from 'typeorm';

export interface SecurityEvent {
  action: string;
  /** `user:<id>`, `api-key:<id>` or `anonymous`. */
  actor: string;
  subjectType: string;
  subjectId: string;
  /** Never a password, token, key or TOTP code. */
  details?: Record<string, unknown>;
  before?: unknown;
  after?: unknown;
}

export function securityChain(tenant: string): string {
  return `security:${tenant}`;
}

/** Sign-ins, refusals and account changes go to the tenant's `security:` audit chain. */
@Injectable()
export class SecurityAuditService {
  private readonly logger = new Logger('SecurityAudit');

  constructor(
    @Inject(RATSWEG_CONFIG) private readonly config: RatswegConfig,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  private entry(event: SecurityEvent): AuditAppend {
    const tenant = this.config.RATSWEG_TENANT;
    return {
      tenant,
      chain: securityChain(tenant),
      subjectType: event.subjectType,
      subjectId: event.subjectId,
      action: event.action,
      actor: event.actor,
      occurredAt: new Date(),
      ...(event.details ? { details: event.details } : {}),
      ...(event.before !== undefined ? { before: event.before } : {}),
      ...(event.after !== undefined ? { after: event.after } : {}),
    };
  }

  /** Appends inside the caller's transaction: the change and its entry commit together. */
  async recordIn(manager: EntityManager, event: SecurityEvent): Promise<void> {
    await this.audit.append(manager, [this.entry(event)]);
  }

  /** Appends on its own; a failure to write is logged loudly and raised (a refusal is still a refusal). */
  async record(event: SecurityEvent): Promise<void> {
    try {
      await this.audit.appendNow([this.entry(event)]);
    } catch (error) {
      this.logger.error(`could not write security audit entry ${event.action}: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  }
}
