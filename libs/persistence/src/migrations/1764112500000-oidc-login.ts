import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OpenID Connect sign-ins under way: between the redirect to the identity provider and its
 * callback, the server keeps the nonce and the PKCE verifier here. The browser holds only the
 * `state` (in an HttpOnly cookie); the row is found by the state's SHA-256, used once (deleted on
 * the callback) and expires after a few minutes. Nothing here lets anyone sign in.
 */
export class OidcLogin1764112500000 implements MigrationInterface {
  name = 'OidcLogin1764112500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "oidc_login" (
        "tenant" text NOT NULL,
        "state_hash" text NOT NULL,
        "nonce" text NOT NULL,
        "code_verifier" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        CONSTRAINT "pk_oidc_login" PRIMARY KEY ("tenant", "state_hash")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_oidc_login_expires" ON "oidc_login" ("expires_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "oidc_login"`);
  }
}
