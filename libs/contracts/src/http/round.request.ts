import { OUTCOMES } from '@ratsweg/domain';
import { z } from 'zod';

export const createRoundRequestSchema = z.strictObject({
  templateKey: z.string().min(1).max(64),
  templateVersion: z.number().int().positive().optional(),
  title: z.string().trim().min(1).max(300),
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
});
export type DecisionRequest = z.infer<typeof decisionRequestSchema>;
