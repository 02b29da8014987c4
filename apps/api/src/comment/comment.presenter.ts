import type { PublicCommentRow } from '@ratsweg/persistence';

/** A comment as the public sees it: never the e-mail address. */
export interface CommentResponse {
  id: string;
  roundId: string;
  stageKey: string;
  text: string;
  /** The name the commenter gave, or null (none given, or erased on request). */
  name: string | null;
  createdAt: string;
}

/** A comment as staff see it with `include=hidden`: moderation state too, still without the e-mail address. */
export interface ModeratedCommentResponse extends CommentResponse {
  hidden: boolean;
  hiddenAt: string | null;
  hiddenBy: string | null;
  hiddenReason: string | null;
  personalDataErasedAt: string | null;
}

export function presentComment(row: PublicCommentRow): CommentResponse {
  return {
    id: row.id,
    roundId: row.roundId,
    stageKey: row.stageKey,
    text: row.body,
    name: row.authorName,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

export function presentModeratedComment(row: PublicCommentRow): ModeratedCommentResponse {
  return {
    ...presentComment(row),
    hidden: row.hiddenAt !== null,
    hiddenAt: row.hiddenAt ? new Date(row.hiddenAt).toISOString() : null,
    hiddenBy: row.hiddenBy,
    hiddenReason: row.hiddenReason,
    personalDataErasedAt: row.personalDataErasedAt ? new Date(row.personalDataErasedAt).toISOString() : null,
  };
}
