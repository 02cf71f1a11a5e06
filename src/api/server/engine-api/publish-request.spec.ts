import { BadRequestException } from '@nestjs/common';
import { assertPublishRequest } from './publish-request';
import { topLevelKeys } from './top-level-keys';

const problemsOf = (raw: string): string[] => {
  try {
    assertPublishRequest(JSON.parse(raw), Buffer.from(raw, 'utf8'));
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return ((error as BadRequestException).getResponse() as { details: string[] }).details;
  }
};

describe('topLevelKeys', () => {
  it('lists only the top level, in order, with duplicates, decoding escapes', () => {
    const raw = '{"a":{"channel":1,"x":[{"y":2}]},"b":"c,\\"d\\":e","chann\\u0065l":[1,{"z":"}"}],"a":null}';
    expect(topLevelKeys(raw)).toEqual(['a', 'b', 'channel', 'a']);
  });

  it('handles whitespace, empty objects and escaped quotes in keys', () => {
    expect(topLevelKeys(' { } ')).toEqual([]);
    expect(topLevelKeys('{ "k\\"1" : 1 , "k2":{} }')).toEqual(['k"1', 'k2']);
  });
});

describe('assertPublishRequest', () => {
  it('refuses a body that starts with a byte order mark (the engine would answer a plain-text 400)', () => {
    const raw = '{"channel":"public:lobby","data":{}}';
    const withMark = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(raw)]);
    expect(() => assertPublishRequest(JSON.parse(raw), withMark)).toThrow(BadRequestException);
  });

  it('accepts the spec example and unknown engine fields, and returns the channel', () => {
    const raw = '{"channel":"public:lobby","data":{"big":12345678901234567890},"tags":{"a":"b"},"future_field":1}';
    expect(assertPublishRequest(JSON.parse(raw), Buffer.from(raw))).toBe('public:lobby');
  });

  it.each([
    ['{"channel":"public:one","data":{},"CHANNEL":"private:b"}', ['"CHANNEL" is a case variant of the field "channel"']],
    ['{"channel":"public:one","data":{},"Channel":"private:b"}', ['"Channel" is a case variant of the field "channel"']],
    ['{"channel":"public:one","channel":"private:b","data":{}}', ['"channel" appears more than once']],
    ['{"channel":"public:one","data":{},"chann\\u0065l":"private:b"}', ['"channel" appears more than once']],
    ['{"channel":"public:one","data":{},"ſkip_history":true}', ['"ſkip_history" is a case variant of the field "skip_history"']],
    [
      '{"channel":"public:one","data":{},"idempotency_\u212aey":"x"}',
      ['"idempotency_\u212aey" is a case variant of the field "idempotency_key"'],
    ],
    ['{"channel":"public:one","data":{},"DATA":{}}', ['"DATA" is a case variant of the field "data"']],
    ['{"channel":"public:one","data":{},"x":1,"x":2}', ['"x" appears more than once']],
  ])('refuses %s', (raw, details) => {
    expect(problemsOf(raw)).toEqual(details);
  });

  it('refuses a channel that is not well-formed Unicode (the engine would publish to U+FFFD instead)', () => {
    expect(problemsOf('{"channel":"public:a\\ud800","data":{}}')).toEqual(['channel must be well-formed Unicode']);
  });
});
