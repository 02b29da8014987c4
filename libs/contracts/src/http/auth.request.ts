import { z } from 'zod';

const email = z.string().trim().toLowerCase().max(254).email();
const password = z.string().min(1).max(1_024);
const otp = z.string().regex(/^\d{6}$/, 'six digits');
const grantedRole = z.enum(['admin', 'auditor', 'member']);

export const loginRequestSchema = z.strictObject({ email, password, otp: otp.optional() });
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const confirmTotpRequestSchema = z.strictObject({ otp });
export type ConfirmTotpRequest = z.infer<typeof confirmTotpRequestSchema>;

export const changePasswordRequestSchema = z.strictObject({ currentPassword: password, newPassword: password });
export type ChangePasswordRequest = z.infer<typeof changePasswordRequestSchema>;

export const createUserRequestSchema = z.strictObject({
  email,
  displayName: z.string().trim().min(1).max(200),
  /** Without a password the user signs in only through OpenID Connect. */
  password: password.optional(),
  roles: z.array(grantedRole).max(3).default([]),
  personId: z.uuid().optional(),
});
export type CreateUserRequest = z.infer<typeof createUserRequestSchema>;

export const updateUserRequestSchema = z
  .strictObject({
    displayName: z.string().trim().min(1).max(200).optional(),
    roles: z.array(grantedRole).max(3).optional(),
    personId: z.uuid().nullable().optional(),
    disabled: z.boolean().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: 'name at least one field to change' });
export type UpdateUserRequest = z.infer<typeof updateUserRequestSchema>;

export const createApiKeyRequestSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  scopes: z.array(z.enum(['events', 'metrics'])).min(1).max(2),
});
export type CreateApiKeyRequest = z.infer<typeof createApiKeyRequestSchema>;

export const listCursorQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(500).optional(),
});
export type ListCursorQuery = z.infer<typeof listCursorQuerySchema>;
