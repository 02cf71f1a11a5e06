import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each project gets its channel policy (see src/tenancy/channel-policy.ts).
 *
 * Projects that exist before this migration become unrestricted (`*:*` and `*`): they were created when
 * every key reached every channel, and their clients already use channels such as `public:lobby`, so any
 * narrower default would lock them out. Operators tighten them with `projects set-channels`. Projects
 * created afterwards get their own prefix (`*:<slug>.*`) from the application; the column has no default,
 * so nothing is ever created without a policy on purpose.
 */
export class AddProjectChannelPatterns1795000000000 implements MigrationInterface {
  name = 'AddProjectChannelPatterns1795000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "projects" ADD "channel_patterns" text array NOT NULL DEFAULT '{"*:*","*"}'`);
    await queryRunner.query(`ALTER TABLE "projects" ALTER COLUMN "channel_patterns" DROP DEFAULT`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "projects" DROP COLUMN "channel_patterns"`);
  }
}
