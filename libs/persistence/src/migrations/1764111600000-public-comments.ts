import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Public comments (Stellungnahmen) on the public consultation of a round.
 *
 * Citizens' personal data lives here only — never in workflow histories — so that it can be
 * erased on request: `author_name` and `author_email` (both optional, the address lower-cased)
 * are set NULL and `personal_data_erased_at` marks when; the text stays part of the record.
 * The client's IP address is not stored (the rate limit keeps it in memory for a minute).
 * Moderation hides a comment from the public (`hidden_*`); nothing is deleted.
 */
export class PublicComments1764111600000 implements MigrationInterface {
  name = 'PublicComments1764111600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "public_comment" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "tenant" text NOT NULL,
        "round_id" uuid NOT NULL,
        "stage_key" text NOT NULL,
        "body" text NOT NULL,
        "author_name" text,
        "author_email" text,
        "locale" text NOT NULL DEFAULT 'de',
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "hidden_at" timestamptz,
        "hidden_by" text,
        "hidden_reason" text,
        "personal_data_erased_at" timestamptz,
        CONSTRAINT "pk_public_comment" PRIMARY KEY ("id"),
        CONSTRAINT "fk_public_comment_round" FOREIGN KEY ("round_id") REFERENCES "round" ("id"),
        CONSTRAINT "ck_public_comment_body" CHECK (char_length("body") BETWEEN 1 AND 5000),
        CONSTRAINT "ck_public_comment_author_name" CHECK (char_length("author_name") BETWEEN 1 AND 200),
        CONSTRAINT "ck_public_comment_author_email" CHECK ("author_email" = lower("author_email") AND char_length("author_email") <= 254),
        CONSTRAINT "ck_public_comment_locale" CHECK ("locale" IN ('de', 'en')),
        CONSTRAINT "ck_public_comment_hidden" CHECK (("hidden_at" IS NULL) = ("hidden_by" IS NULL) AND ("hidden_at" IS NULL) = ("hidden_reason" IS NULL)),
        CONSTRAINT "ck_public_comment_erased" CHECK ("personal_data_erased_at" IS NULL OR ("author_name" IS NULL AND "author_email" IS NULL))
      )`);
    // Listing a round's comments in order (and counting them per stage).
    await queryRunner.query(`CREATE INDEX "ix_public_comment_round" ON "public_comment" ("tenant", "round_id", "created_at", "id")`);
    // Finding a commenter's comments when they ask for their data to be erased.
    await queryRunner.query(`CREATE INDEX "ix_public_comment_author_email" ON "public_comment" ("tenant", "author_email") WHERE "author_email" IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "public_comment"`);
  }
}
