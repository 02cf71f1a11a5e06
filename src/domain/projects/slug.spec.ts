import { slugify } from './slug';

describe('slugify', () => {
  it.each([
    ['Acme Inc.', 'acme-inc'],
    ['  Ünïcode Café  ', 'unicode-cafe'],
    ['***', 'project'],
    ['a'.repeat(60), 'a'.repeat(48)],
  ])('%p → %p', (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });
});
