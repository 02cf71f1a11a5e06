import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Admin keys (for the admin REST API the dashboard calls) and the audit log of every change made through the
 * CLI or that API. The audit log is append-only in the database itself: a trigger refuses UPDATE, DELETE
 * and TRUNCATE, whatever the application does.
 */
export class AddAdminKeysAndAuditLog1795200000000 implements MigrationInterface {
  name = 'AddAdminKeysAndAuditLog1795200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "admin_keys" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" text NOT NULL,
        "prefix" text NOT NULL,
        "hash" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "revoked_at" timestamptz,
        CONSTRAINT "PK_admin_keys" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_admin_keys_hash" UNIQUE ("hash")
      )`);
    await queryRunner.query(`
      CREATE TABLE "audit_log" (
        "id" bigint GENERATED ALWAYS AS IDENTITY,
        "at" timestamptz NOT NULL DEFAULT now(),
        "actor" text NOT NULL,
        "admin_key_id" uuid,
        "action" text NOT NULL,
        "project_id" uuid,
        "key_id" uuid,
        "before" jsonb,
        "after" jsonb,
        CONSTRAINT "PK_audit_log" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_audit_log_project" ON "audit_log" ("project_id", "id")`);
    await queryRunner.query(`
      CREATE FUNCTION "audit_log_is_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER "TRG_audit_log_append_only" BEFORE UPDATE OR DELETE ON "audit_log"
      FOR EACH ROW EXECUTE FUNCTION "audit_log_is_append_only"()`);
    await queryRunner.query(`
      CREATE TRIGGER "TRG_audit_log_no_truncate" BEFORE TRUNCATE ON "audit_log"
      FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_is_append_only"()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "audit_log"`);
    await queryRunner.query(`DROP FUNCTION "audit_log_is_append_only"()`);
    await queryRunner.query(`DROP TABLE "admin_keys"`);
  }
}
