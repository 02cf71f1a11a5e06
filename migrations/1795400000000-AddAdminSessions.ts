import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Console sessions: an admin key is exchanged once for a random session id, kept by the browser in an
 * HttpOnly cookie. Only the id's SHA-256 is stored, so a copy of this table signs nobody in. A session
 * belongs to its admin key and goes with it.
 */
export class AddAdminSessions1795400000000 implements MigrationInterface {
  name = 'AddAdminSessions1795400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "admin_sessions" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "token_hash" text NOT NULL,
        "admin_key_id" uuid NOT NULL,
        "created_at" timestamptz NOT NULL,
        "last_seen_at" timestamptz NOT NULL,
        "expires_at" timestamptz NOT NULL,
        CONSTRAINT "PK_admin_sessions" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_admin_sessions_token_hash" UNIQUE ("token_hash"),
        CONSTRAINT "FK_admin_sessions_admin_key" FOREIGN KEY ("admin_key_id") REFERENCES "admin_keys" ("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_admin_sessions_admin_key" ON "admin_sessions" ("admin_key_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "admin_sessions"`);
  }
}
