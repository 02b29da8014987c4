import { z } from 'zod';

export const jsonSchema = (schema: z.ZodType): object => z.toJSONSchema(schema, { unrepresentable: 'any' }) as object;

/** The OpenAPI description of a page of a list. */
export const pageSchema = (description: string): object => ({
  type: 'object',
  required: ['data'],
  properties: {
    data: { type: 'array', description, items: { type: 'object' } },
    next: { type: 'string', description: 'pass as `cursor` for the next page; absent on the last page' },
  },
});
