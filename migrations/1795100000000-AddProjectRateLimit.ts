import { MigrationInterface, QueryRunner } from 'typeorm';

/** A project's own request-rate limit; NULL means the deployment's RATE_LIMIT_PER_MINUTE. */
export class AddProjectRateLimit1795100000000 implements MigrationInterface {
  name = 'AddProjectRateLimit1795100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "projects" ADD "rate_limit_per_minute" integer`);
    await queryRunner.query(`ALTER TABLE "projects" ADD CONSTRAINT "CHK_projects_rate_limit" CHECK ("rate_limit_per_minute" > 0)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "projects" DROP COLUMN "rate_limit_per_minute"`);
  }
}
