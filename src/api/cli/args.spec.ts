import { parseArgs, UsageError } from './args';

describe('CLI arguments', () => {
  it('splits words, valued options and --json', () => {
    expect(parseArgs(['keys', 'create', '--project', 'p1', '--kind=server', '--json'])).toEqual({
      words: ['keys', 'create'],
      options: { project: 'p1', kind: 'server' },
      json: true,
    });
  });

  it('keeps spaces and "=" inside values', () => {
    expect(parseArgs(['projects', 'create', '--name', 'My App']).options.name).toBe('My App');
    expect(parseArgs(['--name=a=b']).options.name).toBe('a=b');
  });

  it('refuses an option without its value', () => {
    expect(() => parseArgs(['projects', 'create', '--name'])).toThrow(new UsageError('--name needs a value'));
    expect(() => parseArgs(['--name', '--json'])).toThrow(UsageError);
  });
});
