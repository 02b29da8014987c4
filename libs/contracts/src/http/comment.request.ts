import { z } from 'zod';

const email = z.string().trim().toLowerCase().max(254).email();

/** `POST /api/v1/rounds/{id}/comments`: a citizen's comment; name and e-mail address are optional. */
export const createCommentRequestSchema = z.strictObject({
  text: z.string().trim().min(1).max(5_000),
  name: z.string().trim().min(1).max(200).optional(),
  email: email.optional(),
  /** The commenter has read the privacy notice (`GET /api/v1/privacy-notice`); nothing is stored without it. */
  privacyAccepted: z.literal(true, { error: 'the privacy notice must be accepted: privacyAccepted must be true' }),
});
export type CreateCommentRequest = z.infer<typeof createCommentRequestSchema>;

/** `GET /api/v1/rounds/{id}/comments`: cursor pagination; `include=hidden` for staff. */
export const listCommentsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(500).optional(),
  include: z.enum(['hidden']).optional(),
});
export type ListCommentsQuery = z.infer<typeof listCommentsQuerySchema>;

/** `POST /api/v1/rounds/{id}/comments/{commentId}/hide`: moderation, with the reason. */
export const hideCommentRequestSchema = z.strictObject({
  reason: z.string().trim().min(1).max(1_000),
});
export type HideCommentRequest = z.infer<typeof hideCommentRequestSchema>;

/** `POST /api/v1/comments/erasure`: a commenter asked for their personal data (name, e-mail address) to be deleted. */
export const commentErasureRequestSchema = z.strictObject({ email });
export type CommentErasureRequest = z.infer<typeof commentErasureRequestSchema>;
