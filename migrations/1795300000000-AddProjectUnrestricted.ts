import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A project that reaches every channel must say so (`unrestricted`), and is the only kind whose patterns may
 * overlap another project's (see src/tenancy/channel-overlap.ts).
 *
 * Projects that already hold exactly `*:*` and `*` got them from the channel-patterns migration (they were
 * created when every key reached every channel) or were made so on purpose, like the dev project: they are
 * marked unrestricted, which is what they already are. Any other overlap found in the database is reported
 * (`projects check`, `/health/ready`), never repaired silently.
 */
export class AddProjectUnrestricted1795300000000 implements MigrationInterface {
  name = 'AddProjectUnrestricted1795300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "projects" ADD "unrestricted" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`UPDATE "projects" SET "unrestricted" = true WHERE "channel_patterns" = '{"*:*","*"}'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "projects" DROP COLUMN "unrestricted"`);
  }
}
