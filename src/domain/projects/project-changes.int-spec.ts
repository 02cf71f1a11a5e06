import type { TestingModule } from '@nestjs/testing';
import { createDomainContext } from '../../../test/support/domain';
import { ProjectChanges } from './project-changes';

/** The change feed between instances: two contexts stand for two instances on one database. */
describe('ProjectChanges (integration)', () => {
  let instances: TestingModule[];

  beforeAll(async () => {
    instances = await Promise.all([createDomainContext(), createDomainContext()]);
  });
  afterAll(() => Promise.all(instances.map((instance) => instance.close())));

  /** Resolves at the listener's next call after `subscribeAndWait` connected it. */
  const nextChange = (changes: ProjectChanges) =>
    new Promise<void>((resolve) => {
      let connected = false;
      changes.onChange(() => {
        // The first call reports the (re)connection itself: listeners may have missed changes meanwhile.
        if (connected) resolve();
        connected = true;
      });
    });

  it("tells another instance's listeners of a change announced on this one", async () => {
    const [first, second] = instances.map((instance) => instance.get(ProjectChanges));
    const heard = nextChange(second);
    await new Promise((resolve) => setTimeout(resolve, 500)); // the LISTEN connection is open
    await first.announce();
    await expect(heard).resolves.toBeUndefined();
  });
});
