import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts, sessions, API keys and the login throttle.
 *
 * - `app_user`: a person who signs in. Stored roles are the ones an administrator grants
 *   (admin, auditor, member); secretaries and members also follow from the directory's
 *   memberships of the linked person. Passwords only as argon2id hashes.
 * - `auth_session`: one signed-in browser or client; only the SHA-256 of its token is kept,
 *   so a copy of the database does not let anyone in.
 * - `login_throttle`: failed attempts per e-mail address (known or not, so that a lockout does
 *   not tell whether an account exists) and the time until which it is locked.
 * - `api_key`: credentials of integrations (council information systems, monitoring).
 */
export class Auth1764108000000 implements MigrationInterface {
  name = 'Auth1764108000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "app_user" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "tenant" text NOT NULL,
        "email" text NOT NULL,
        "display_name" text NOT NULL,
        "password_hash" text,
        "roles" text[] NOT NULL DEFAULT '{}',
        "person_id" uuid,
        "oidc_subject" text,
        "totp_secret" text,
        "totp_enabled" boolean NOT NULL DEFAULT false,
        "totp_last_step" bigint,
        "disabled" boolean NOT NULL DEFAULT false,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "modified_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_app_user" PRIMARY KEY ("id"),
        CONSTRAINT "uq_app_user_email" UNIQUE ("tenant", "email"),
        CONSTRAINT "uq_app_user_oidc_subject" UNIQUE ("tenant", "oidc_subject"),
        CONSTRAINT "uq_app_user_tenant_id" UNIQUE ("tenant", "id"),
        CONSTRAINT "fk_app_user_person" FOREIGN KEY ("tenant", "person_id") REFERENCES "person" ("tenant", "id"),
        CONSTRAINT "ck_app_user_roles" CHECK ("roles" <@ ARRAY['admin', 'auditor', 'member']::text[]),
        CONSTRAINT "ck_app_user_email_lower" CHECK ("email" = lower("email"))
      )`);
    await queryRunner.query(`CREATE INDEX "ix_app_user_person" ON "app_user" ("tenant", "person_id") WHERE "person_id" IS NOT NULL`);
    await queryRunner.query(`
      CREATE TABLE "auth_session" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "tenant" text NOT NULL,
        "user_id" uuid NOT NULL,
        "token_hash" text NOT NULL,
        "method" text NOT NULL,
        "mfa_pending" boolean NOT NULL DEFAULT false,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        "revoked_at" timestamptz,
        CONSTRAINT "pk_auth_session" PRIMARY KEY ("id"),
        CONSTRAINT "uq_auth_session_token_hash" UNIQUE ("token_hash"),
        CONSTRAINT "fk_auth_session_user" FOREIGN KEY ("tenant", "user_id") REFERENCES "app_user" ("tenant", "id") ON DELETE CASCADE,
        CONSTRAINT "ck_auth_session_method" CHECK ("method" IN ('password', 'oidc'))
      )`);
    await queryRunner.query(`CREATE INDEX "ix_auth_session_user" ON "auth_session" ("tenant", "user_id")`);
    await queryRunner.query(`
      CREATE TABLE "login_throttle" (
        "tenant" text NOT NULL,
        "email" text NOT NULL,
        "failures" integer NOT NULL DEFAULT 0,
        "locked_until" timestamptz,
        "last_failure_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_login_throttle" PRIMARY KEY ("tenant", "email")
      )`);
    await queryRunner.query(`
      CREATE TABLE "api_key" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "tenant" text NOT NULL,
        "name" text NOT NULL,
        "key_hash" text NOT NULL,
        "prefix" text NOT NULL,
        "scopes" text[] NOT NULL,
        "created_by" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "last_used_at" timestamptz,
        "revoked_at" timestamptz,
        CONSTRAINT "pk_api_key" PRIMARY KEY ("id"),
        CONSTRAINT "uq_api_key_hash" UNIQUE ("key_hash"),
        CONSTRAINT "ck_api_key_scopes" CHECK ("scopes" <@ ARRAY['events', 'metrics']::text[] AND cardinality("scopes") > 0)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "api_key"`);
    await queryRunner.query(`DROP TABLE "login_throttle"`);
    await queryRunner.query(`DROP TABLE "auth_session"`);
    await queryRunner.query(`DROP TABLE "app_user"`);
  }
}
