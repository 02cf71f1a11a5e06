import { descriptorsNeeded, fileLimitWarning, openFilesLimit } from './file-limit';

const limits = (soft: string) => `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            ${soft}                20000                files
Max locked memory         8388608              8388608              bytes`;

describe('the open-files limit against MAX_PROXIED_WEBSOCKETS', () => {
  it('counts two descriptors per proxied connection plus the process own', () => {
    expect(descriptorsNeeded(10_000)).toBe(20_100);
  });

  it('reads the soft limit, and nothing when it is unlimited', () => {
    expect(openFilesLimit(limits('1024'))).toBe(1024);
    expect(openFilesLimit(limits('unlimited'))).toBeUndefined();
  });

  it('warns, with the connection count that fits, only when the limit is too low', () => {
    expect(fileLimitWarning(10_000, () => limits('20000'))).toMatch(
      /MAX_PROXIED_WEBSOCKETS=10000 needs about 20100 open files, but this process may open 20000: beyond about 9950 realtime/,
    );
    expect(fileLimitWarning(10_000, () => limits('65536'))).toBeUndefined();
    expect(fileLimitWarning(10_000, () => limits('unlimited'))).toBeUndefined();
    expect(
      fileLimitWarning(10_000, () => {
        throw new Error('ENOENT');
      }),
    ).toBeUndefined();
  });
});
