import type { TestingModule } from '@nestjs/testing';
import { createDomainContext } from '../../../test/support/domain';
import { CLI_ACTOR } from '../audit/actor';
import { AuditLog } from '../audit/audit-log';
import { hashApiKey } from '../projects/api-key';
import { AdminKeysService } from './admin-keys.service';

/** AdminKeysService on a real PostgreSQL: keys stored as hashes, revoked once, every change audited. */
describe('AdminKeysService (integration)', () => {
  let context: TestingModule;
  let adminKeys: AdminKeysService;

  beforeAll(async () => {
    context = await createDomainContext();
    adminKeys = context.get(AdminKeysService);
  });
  afterAll(() => context.close());

  it('creates a key that is found by its hash until it is revoked, and audits both changes without the key', async () => {
    const { adminKey, key } = await adminKeys.create(CLI_ACTOR, '  Dashboard (integration)  ');
    expect(adminKey).toMatchObject({ name: 'Dashboard (integration)', prefix: key.slice(0, 12), revokedAt: null });
    expect((await adminKeys.findActiveByHash(hashApiKey(key)))?.id).toBe(adminKey.id);

    const revoked = await adminKeys.revoke(CLI_ACTOR, adminKey.id);
    expect(revoked.revokedAt).toEqual(expect.any(String));
    expect((await adminKeys.revoke(CLI_ACTOR, adminKey.id)).revokedAt).toBe(revoked.revokedAt);
    expect(await adminKeys.findActiveByHash(hashApiKey(key))).toBeNull();

    const { entries } = await context.get(AuditLog).list({ offset: 0, limit: 100 });
    const mine = entries.filter((entry) => JSON.stringify(entry.after).includes(adminKey.id));
    expect(mine.map((entry) => entry.action)).toEqual(['admin-key.revoke', 'admin-key.create']);
    expect(JSON.stringify(mine)).not.toContain(key);
  });

  it('refuses a name with control characters and an id that is not a UUID with 400', async () => {
    await expect(adminKeys.create(CLI_ACTOR, 'bad\u0000name')).rejects.toMatchObject({ status: 400 });
    await expect(adminKeys.revoke(CLI_ACTOR, 'not-a-uuid')).rejects.toMatchObject({
      status: 400,
      message: 'An admin key id is a UUID, got "not-a-uuid".',
    });
  });
});
