import { isoInstantSchema, OUTCOMES, standingOrdersSchema } from '@ratsweg/domain';
import { z } from 'zod';

const key = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a key of lower-case letters, digits and hyphens');

/** Meeting start instants by the keys the template's meeting deadlines use. */
export const meetingsSchema = z.record(key, isoInstantSchema).refine((meetings) => Object.keys(meetings).length <= 50, {
  message: 'at most 50 meetings',
});

const parameterValue = z.union([z.string().max(500), z.number().finite(), z.boolean()]);

export const createRoundRequestSchema = z.strictObject({
  templateKey: z.string().min(1).max(64),
  templateVersion: z.number().int().positive().optional(),
  title: z.string().trim().min(1).max(300),
  /** When the round starts; now when absent. Deadlines are computed from it. */
  start: isoInstantSchema.optional(),
  meetings: meetingsSchema.optional(),
  /** Free values recorded with the round, such as the paper's reference number; no personal data. */
  parameters: z
    .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,62}$/), parameterValue)
    .refine((parameters) => Object.keys(parameters).length <= 30, { message: 'at most 30 parameters' })
    .optional(),
});
export type CreateRoundRequest = z.infer<typeof createRoundRequestSchema>;

export const decisionRequestSchema = z.strictObject({
  outcome: z.enum(OUTCOMES),
  resolutionText: z.string().trim().min(1).max(20_000).optional(),
  votes: z
    .strictObject({
      yes: z.number().int().min(0).max(10_000),
      no: z.number().int().min(0).max(10_000),
      abstain: z.number().int().min(0).max(10_000),
    })
    .optional(),
  /** For `postponed`: the start of the meeting the matter moves to. */
  nextMeetingStart: isoInstantSchema.optional(),
});
export type DecisionRequest = z.infer<typeof decisionRequestSchema>;

export const extendDeadlineRequestSchema = z.strictObject({ until: isoInstantSchema });
export type ExtendDeadlineRequest = z.infer<typeof extendDeadlineRequestSchema>;

export const cancelRoundRequestSchema = z.strictObject({ reason: z.string().trim().min(3).max(2_000) });
export type CancelRoundRequest = z.infer<typeof cancelRoundRequestSchema>;

export const rescheduleMeetingRequestSchema = z.strictObject({ start: isoInstantSchema });
export type RescheduleMeetingRequest = z.infer<typeof rescheduleMeetingRequestSchema>;

export const previewRequestSchema = z.strictObject({
  templateVersion: z.number().int().positive().optional(),
  start: isoInstantSchema.optional(),
  meetings: meetingsSchema.optional(),
  standingOrders: standingOrdersSchema.optional(),
});
export type PreviewRequest = z.infer<typeof previewRequestSchema>;

const SORTS = ['createdAt', '-createdAt', 'updatedAt', '-updatedAt', 'title', '-title', 'nextDeadlineAt', '-nextDeadlineAt'] as const;

/** Query of `GET /api/v1/rounds`: filters, sorting and cursor pagination. */
export const listRoundsQuerySchema = z.strictObject({
  status: z
    .string()
    .transform((text) => text.split(','))
    .pipe(z.array(z.enum(['running', 'completed', 'cancelled', 'failed'])).max(4))
    .optional(),
  template: key.optional(),
  body: key.optional(),
  stage: key.optional(),
  overdue: z.enum(['true', 'false']).transform((text) => text === 'true').optional(),
  q: z.string().trim().min(1).max(200).optional(),
  sort: z.enum(SORTS).default('-createdAt'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(500).optional(),
});
export type ListRoundsQuery = z.infer<typeof listRoundsQuerySchema>;

/** Body of `PUT /api/v1/files/{fileId}/publication`: show the file on the public consultation page, or withdraw it. */
export const stageFilePublicationRequestSchema = z.strictObject({ published: z.boolean() });
export type StageFilePublicationRequest = z.infer<typeof stageFilePublicationRequestSchema>;
