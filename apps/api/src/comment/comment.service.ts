import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import type { CreateCommentRequest, ListCommentsQuery } from '@ratsweg/contracts';
import { isUuid, type RoundState, type StageState } from '@ratsweg/domain';
import { CommentRepository, DirectoryRepository, StageFileRepository } from '@ratsweg/persistence';
import { presentPublishedFile, type PublishedFileResponse } from '../file/stage-file.presenter.js';
import { SecurityAuditService } from '../auth/security-audit.service.js';
import type { Principal } from '../auth/principal.js';
import { decodeCursor, encodeCursor, invalidCursor } from '../directory/directory-cursor.util.js';
import type { Locale } from '../i18n/locale.util.js';
import { ProblemException, text } from '../problem-details/problem.exception.js';
import { RoundService } from '../round/round.service.js';
import { commentsCsv } from './comment-csv.util.js';
import { presentComment, presentModeratedComment, type CommentResponse, type ModeratedCommentResponse } from './comment.presenter.js';
import { privacyNotice, privacyNoticeSummary, type PrivacyNoticeResponse } from './privacy-notice.js';

export interface CreatedCommentResponse extends CommentResponse {
  /** What happens with the commenter's data, in their language. */
  privacyNotice: string;
}

/** What the public may know about a round's public consultation (GET /api/v1/rounds/{id}/consultation). */
export interface ConsultationResponse {
  roundId: string;
  title: string;
  roundStatus: RoundState['status'];
  /** The consultation that matters now: the open one, else the next one, else the last one; null when the round has none. */
  stage: {
    key: string;
    title: string;
    /** `open` only while comments are taken: open, and its deadline not yet passed. */
    state: 'upcoming' | 'open' | 'closed';
    openedAt?: string;
    closedAt?: string;
    deadline?: string;
  } | null;
  /** Comments received on that stage, hidden ones included. */
  commentCount: number;
  /** Comments on that stage that the public sees. */
  visibleCommentCount: number;
  /** Files staff published for the consultation (the draft), each with a public download URL. */
  documents: PublishedFileResponse[];
}

export interface CommentPage {
  data: (CommentResponse | ModeratedCommentResponse)[];
  next?: string;
}

/** Who may see hidden comments (with `include=hidden`). */
const MODERATION_READERS = ['admin', 'secretary', 'auditor'] as const;
/** A PostgreSQL timestamptz as text, e.g. `2026-11-25 10:00:00.123456+00`. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)$/;

/**
 * Public comments on a round's public consultation. Comments and their authors' data live in
 * PostgreSQL only, never in the round's workflow: the round is read from the read model.
 */
@Injectable()
export class CommentService {
  constructor(
    @Inject(RATSWEG_CONFIG) private readonly config: RatswegConfig,
    @Inject(RoundService) private readonly rounds: RoundService,
    @Inject(CommentRepository) private readonly comments: CommentRepository,
    @Inject(DirectoryRepository) private readonly directory: DirectoryRepository,
    @Inject(SecurityAuditService) private readonly securityAudit: SecurityAuditService,
    @Inject(StageFileRepository) private readonly files: StageFileRepository,
  ) {}

  private get tenant(): string {
    return this.config.RATSWEG_TENANT;
  }

  /** Stores a comment while the round's public consultation is open (409 otherwise). */
  async create(roundId: string, request: CreateCommentRequest, locale: Locale): Promise<CreatedCommentResponse> {
    const round = await this.rounds.get(roundId);
    const stage = openConsultation(round, Date.now());
    if (!stage) throw consultationNotOpen(round, Date.now());
    const row = await this.comments.create({
      tenant: this.tenant,
      roundId: round.id,
      stageKey: stage.key,
      body: request.text,
      ...(request.name !== undefined ? { authorName: request.name } : {}),
      ...(request.email !== undefined ? { authorEmail: request.email } : {}),
      locale,
    });
    // Closed between the look at the round and the insert (deadline, decision).
    if (!row) throw consultationNotOpen(await this.rounds.get(roundId), Date.now());
    return { ...presentComment(row), privacyNotice: privacyNoticeSummary(locale) };
  }

  /** The public facts of a round's consultation, for the public consultation page: nothing staff-only. */
  async consultation(roundId: string, locale: Locale): Promise<ConsultationResponse> {
    const round = await this.rounds.get(roundId);
    const now = Date.now();
    const stage = currentConsultation(round, now);
    const counts = stage ? await this.comments.countByStage(this.tenant, round.id, stage.key) : { visible: 0, hidden: 0 };
    const documents = await this.files.listPublished(this.tenant, round.id);
    return {
      roundId: round.id,
      title: round.title,
      roundStatus: round.status,
      stage: stage
        ? {
            key: stage.key,
            title: stage.title[locale],
            state: openConsultation(round, now) === stage ? 'open' : round.status === 'running' && stage.status === 'pending' ? 'upcoming' : 'closed',
            ...(stage.openedAt ? { openedAt: stage.openedAt } : {}),
            ...(stage.closedAt ? { closedAt: stage.closedAt } : {}),
            ...(stage.deadline ? { deadline: stage.deadline.at } : {}),
          }
        : null,
      commentCount: counts.visible + counts.hidden,
      visibleCommentCount: counts.visible,
      documents: documents.map(presentPublishedFile),
    };
  }

  /** A round's comments, oldest first: the visible ones for everybody, hidden ones too for staff who ask. */
  async list(roundId: string, query: ListCommentsQuery, principal: Principal | undefined): Promise<CommentPage> {
    const includeHidden = query.include === 'hidden';
    if (includeHidden) await this.assertMayReadHidden(principal, roundId);
    const round = await this.rounds.get(roundId);
    let after: { sortKey: string; id: string } | undefined;
    if (query.cursor) {
      const [sortKey, id, ...rest] = decodeCursor(query.cursor);
      if (rest.length > 0 || !sortKey || !id || !isUuid(id) || !TIMESTAMP.test(sortKey)) throw invalidCursor();
      after = { sortKey, id };
    }
    const rows = await this.comments.list(this.tenant, round.id, { includeHidden, limit: query.limit + 1, ...(after ? { after } : {}) }).catch((error: unknown) => {
      // A cursor whose time looks right but is none (e.g. 31 February): PostgreSQL cannot read it.
      throw after && isDateTimeError(error) ? invalidCursor() : error;
    });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      data: page.map(includeHidden ? presentModeratedComment : presentComment),
      ...(rows.length > query.limit && last ? { next: encodeCursor([last.sortKey, last.id]) } : {}),
    };
  }

  /** Moderation: hides a comment from the public; audited in the round's chain. */
  async hide(roundId: string, commentId: string, reason: string, actor: string): Promise<ModeratedCommentResponse> {
    const round = await this.rounds.get(roundId);
    const result = await this.comments.hide({ tenant: this.tenant, roundId: round.id, id: commentId, actor, reason });
    switch (result.status) {
      case 'hidden':
        return presentModeratedComment(result.comment);
      case 'already-hidden':
        throw new ProblemException('comment-already-hidden', text('Diese Stellungnahme wurde schon ausgeblendet.', 'This comment has already been hidden.'));
      case 'not-found':
        throw new ProblemException(
          'comment-not-found',
          text(`Die Runde hat keine Stellungnahme mit der Id ${commentId}.`, `The round has no comment with id ${commentId}.`),
        );
    }
  }

  /** Every comment of the round as CSV, hidden ones and e-mail addresses included. */
  async exportCsv(roundId: string, locale: Locale): Promise<{ roundId: string; csv: string }> {
    const round = await this.rounds.get(roundId);
    return { roundId: round.id, csv: commentsCsv(await this.comments.exportRows(this.tenant, round.id), locale) };
  }

  /**
   * A commenter asked for their personal data to be erased: name and e-mail address go from
   * every comment given with that address, the texts stay. The security audit entry records
   * who did it and which comments changed — not the address (a plain hash of an address is
   * easily reversed by guessing); `reference` lets the administration note the request.
   */
  async erase(email: string, actor: string): Promise<{ erased: number; reference: string }> {
    const reference = randomUUID();
    return this.comments.transaction(async (manager) => {
      const ids = await this.comments.erasePersonalData(manager, this.tenant, email);
      await this.securityAudit.recordIn(manager, {
        action: 'comment.personal_data_erased',
        actor,
        subjectType: 'erasure_request',
        subjectId: reference,
        details: { erased: ids.length, comments: ids },
      });
      return { erased: ids.length, reference };
    });
  }

  async privacyNotice(locale: Locale): Promise<PrivacyNoticeResponse> {
    const tenant = await this.directory.findTenant(this.tenant);
    return privacyNotice(locale, tenant ? { name: tenant.name, website: tenant.website } : null);
  }

  private async assertMayReadHidden(principal: Principal | undefined, roundId: string): Promise<void> {
    if (!principal) {
      throw new ProblemException('unauthorized', text('Ausgeblendete Stellungnahmen sehen nur angemeldete Mitarbeitende.', 'Only signed-in staff see hidden comments.'), undefined, {
        'www-authenticate': 'Bearer realm="ratsweg"',
      });
    }
    if (principal.mfaPending) {
      throw new ProblemException(
        'mfa-enrollment-required',
        text('Für Ihre Rolle ist ein zweiter Faktor Pflicht: POST /api/v1/me/mfa/totp.', 'Your role requires a second factor: POST /api/v1/me/mfa/totp.'),
      );
    }
    if (MODERATION_READERS.some((role) => principal.roles.has(role))) return;
    await this.securityAudit.record({
      action: 'access.refused',
      actor: principal.actor,
      subjectType: 'route',
      subjectId: 'GET /api/v1/rounds/:id/comments?include=hidden',
      details: { reason: 'role', round: roundId },
    });
    throw new ProblemException('forbidden', text('Ausgeblendete Stellungnahmen sehen nur Verwaltung, Schriftführung und Prüfung.', 'Only administrators, secretaries and auditors see hidden comments.'));
  }
}

/** PostgreSQL's invalid_datetime_format (22007) and datetime_field_overflow (22008). */
function isDateTimeError(error: unknown): boolean {
  const code = (error as { driverError?: { code?: unknown }; code?: unknown } | null)?.driverError?.code ?? (error as { code?: unknown } | null)?.code;
  return code === '22007' || code === '22008';
}

/** The round's public consultation that takes comments now: open, and its deadline not yet passed. */
export function openConsultation(round: RoundState, now: number): StageState | undefined {
  if (round.status !== 'running') return undefined;
  return round.stages.find(
    (stage) => stage.type === 'public_consultation' && stage.status === 'open' && (!stage.deadline || Date.parse(stage.deadline.at) > now),
  );
}

/** The consultation a visitor cares about: the one taking comments, else one still open past its deadline, else the next to come, else the last. */
function currentConsultation(round: RoundState, now: number): StageState | undefined {
  const consultations = round.stages.filter((stage) => stage.type === 'public_consultation');
  return (
    openConsultation(round, now) ??
    consultations.find((stage) => stage.status === 'open') ??
    (round.status === 'running' ? consultations.find((stage) => stage.status === 'pending') : undefined) ??
    [...consultations].reverse().find((stage) => stage.status === 'completed' || stage.status === 'skipped') ??
    consultations[0]
  );
}

function consultationNotOpen(round: RoundState, now: number): ProblemException {
  const consultations = round.stages.filter((stage) => stage.type === 'public_consultation');
  if (consultations.length === 0) {
    return new ProblemException(
      'consultation-not-open',
      text('Diese Beteiligungsrunde hat keine öffentliche Beteiligung.', 'This participation round has no public consultation.'),
    );
  }
  const upcoming = round.status === 'running' && consultations.some((stage) => stage.status === 'pending');
  const closedAt = consultations
    .map((stage) => stage.closedAt ?? (stage.status === 'open' && stage.deadline && Date.parse(stage.deadline.at) <= now ? stage.deadline.at : undefined))
    .filter((instant): instant is string => instant !== undefined)
    .sort()
    .pop();
  if (upcoming) {
    return new ProblemException(
      'consultation-not-open',
      text('Die öffentliche Beteiligung hat noch nicht begonnen; Stellungnahmen sind erst während der Beteiligung möglich.', 'The public consultation has not started yet; comments are accepted only while it is open.'),
    );
  }
  return new ProblemException(
    'consultation-not-open',
    text(
      `Die öffentliche Beteiligung ist beendet${closedAt ? ` (seit ${closedAt})` : ''}; es werden keine Stellungnahmen mehr angenommen.`,
      `The public consultation has closed${closedAt ? ` (at ${closedAt})` : ''}; no more comments are accepted.`,
    ),
  );
}
