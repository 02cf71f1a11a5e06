import type { TestingModule } from '@nestjs/testing';
import { createDomainContext } from '../../../test/support/domain';
import { CLI_ACTOR } from '../audit/actor';
import { AuditLog } from '../audit/audit-log';
import { hashApiKey } from './api-key';
import { ProjectsRepository } from './projects.repository';
import { ProjectsService } from './projects.service';

/** ProjectsService on a real PostgreSQL: the rules, the audit entries written with each change, and what they keep. */
describe('ProjectsService (integration)', () => {
  let context: TestingModule;
  let projects: ProjectsService;
  let audit: AuditLog;
  const actor = { kind: 'admin-key' as const, adminKeyId: '11111111-1111-4111-8111-111111111111' };

  beforeAll(async () => {
    context = await createDomainContext();
    projects = context.get(ProjectsService);
    audit = context.get(AuditLog);
  });
  afterAll(() => context.close());

  const entriesOf = async (projectId: string) => (await audit.list({ projectId, offset: 0, limit: 100 })).entries;

  it('creates a project with its default patterns and two keys, audits it with both key views, and stores only hashes', async () => {
    const { project, serverApiKey, clientApiKey } = await projects.createProject(actor, { name: '  Service Shop  ' });
    expect(project).toMatchObject({ name: 'Service Shop', slug: 'service-shop', channels: ['*:service-shop.*'], unrestricted: false });
    const [entry] = await entriesOf(project.id);
    expect(entry).toMatchObject({ action: 'project.create', actor: 'admin-key', adminKeyId: actor.adminKeyId, before: null });
    expect((entry.after as { keys: Array<{ kind: string }> }).keys.map((key) => key.kind)).toEqual(['server', 'client']);
    const stored = JSON.stringify(entry);
    expect(stored).not.toContain(serverApiKey);
    expect(stored).not.toContain(clientApiKey);
    const key = await context.get(ProjectsRepository).getKeyByHash(hashApiKey(serverApiKey));
    expect(key).toMatchObject({ projectId: project.id, kind: 'server', prefix: serverApiKey.slice(0, 12) });
  });

  it('gives concurrent projects of one name distinct slugs (the unique constraint and the retry behind it)', async () => {
    const created = await Promise.all(Array.from({ length: 4 }, () => projects.createProject(CLI_ACTOR, { name: 'Same Name' })));
    const slugs = created.map(({ project }) => project.slug).sort();
    expect(new Set(slugs).size).toBe(4);
    expect(slugs[0]).toBe('same-name');
  });

  it('disables idempotently: a second disable keeps the first time and writes no second entry', async () => {
    const { project } = await projects.createProject(CLI_ACTOR, { name: 'Idempotent' });
    const first = await projects.disableProject(CLI_ACTOR, project.id);
    const second = await projects.disableProject(CLI_ACTOR, project.id);
    expect(second.disabledAt).toBe(first.disabledAt);
    expect((await entriesOf(project.id)).map((entry) => entry.action)).toEqual(['project.disable', 'project.create']);
    await projects.enableProject(CLI_ACTOR, project.id);
    expect((await projects.getProject(project.id)).disabledAt).toBeNull();
  });

  it('revokes a key once, audits before and after, and refuses a key of another project with 404', async () => {
    const { project } = await projects.createProject(CLI_ACTOR, { name: 'Revoking' });
    const other = await projects.createProject(CLI_ACTOR, { name: 'Revoking other' });
    const [server] = await projects.listKeys(project.id);
    await expect(projects.revokeKey(CLI_ACTOR, server.id, other.project.id)).rejects.toMatchObject({ status: 404 });
    const revoked = await projects.revokeKey(CLI_ACTOR, server.id, project.id);
    expect(revoked.revokedAt).toEqual(expect.any(String));
    expect((await projects.revokeKey(CLI_ACTOR, server.id)).revokedAt).toBe(revoked.revokedAt);
    const revocations = (await entriesOf(project.id)).filter((entry) => entry.action === 'key.revoke');
    expect(revocations).toHaveLength(1);
    expect(revocations[0]).toMatchObject({ keyId: server.id, before: { revokedAt: null }, after: { revokedAt: revoked.revokedAt } });
  });

  it('refuses an update that changes nothing, and records before and after of one that does', async () => {
    const { project } = await projects.createProject(CLI_ACTOR, { name: 'Updating' });
    await expect(projects.updateProject(CLI_ACTOR, project.id, {})).rejects.toMatchObject({ status: 400 });
    await projects.updateProject(CLI_ACTOR, project.id, { rateLimitPerMinute: 600 });
    const [entry] = await entriesOf(project.id);
    expect(entry).toMatchObject({ action: 'project.update', before: { rateLimitPerMinute: null }, after: { rateLimitPerMinute: 600 } });
  });

  it('makes a project unrestricted and restricts it again only with channels', async () => {
    const { project } = await projects.createProject(CLI_ACTOR, { name: 'Toggling' });
    expect(await projects.updateProject(CLI_ACTOR, project.id, { unrestricted: true })).toMatchObject({
      channels: ['*:*', '*'],
      unrestricted: true,
    });
    await expect(projects.updateProject(CLI_ACTOR, project.id, { unrestricted: false })).rejects.toMatchObject({ status: 400 });
    expect(await projects.updateProject(CLI_ACTOR, project.id, { channels: [`*:${project.slug}.*`] })).toMatchObject({
      unrestricted: false,
    });
  });
});
