import { BadRequestException } from '@nestjs/common';
import { StrictValidationPipe } from '../../../../http/validation';
import { CreateSubscriptionTokenDto } from './create-subscription-token.dto';
import { CreateTokenDto } from './create-token.dto';

/** The body rules, through the same pipe the application uses. */
describe('token request validation', () => {
  const pipe = new StrictValidationPipe();
  const validate = async (metatype: new () => object, value: unknown) => pipe.transform(value, { type: 'body', metatype });
  const problems = async (metatype: new () => object, value: unknown): Promise<string[]> => {
    try {
      await validate(metatype, value);
      return [];
    } catch (error) {
      expect(error).toBeInstanceOf(BadRequestException);
      const response = (error as BadRequestException).getResponse() as { details?: string[]; message: string };
      return response.details ?? [response.message];
    }
  };

  it('accepts the spec example', async () => {
    const body = { userId: 'user_01HZEXAMPLE', ttlSeconds: 900, channels: ['public:lobby'], info: { displayName: 'Player One' } };
    await expect(validate(CreateTokenDto, body)).resolves.toEqual(body);
  });

  it.each([
    [29, false],
    [30, true],
    [3600, true],
    [3601, false],
    [60.5, false],
    ['60', false],
  ])('ttlSeconds %p valid: %p', async (ttlSeconds, valid) => {
    const found = await problems(CreateTokenDto, { userId: 'u', ttlSeconds });
    expect(found).toEqual(valid ? [] : ['ttlSeconds must be an integer between 30 and 3600']);
  });

  it('accepts info of exactly 4096 bytes and refuses one byte more', async () => {
    const overhead = JSON.stringify({ s: '' }).length;
    expect(await problems(CreateTokenDto, { userId: 'u', info: { s: 'x'.repeat(4096 - overhead) } })).toEqual([]);
    expect(await problems(CreateTokenDto, { userId: 'u', info: { s: 'x'.repeat(4097 - overhead) } })).toEqual([
      'info must be a JSON object of at most 4096 bytes',
    ]);
  });

  it('refuses more than 100 channels', async () => {
    const channels = Array.from({ length: 101 }, (_, i) => `public:${i}`);
    expect(await problems(CreateTokenDto, { userId: 'u', channels })).toEqual(['channels must hold at most 100 names']);
  });

  it.each([
    [CreateTokenDto, { userId: '\ud800' }, 'userId must be well-formed Unicode'],
    [CreateTokenDto, { userId: 'a\udfffb' }, 'userId must be well-formed Unicode'],
    [CreateTokenDto, { userId: 'u', channels: ['public:ok', 'public:x\ud800'] }, 'channel names must be well-formed Unicode'],
    [CreateSubscriptionTokenDto, { userId: 'u', channel: 'private:\udc00' }, 'channel must be well-formed Unicode'],
  ])('refuses lone surrogates (the engine would read them as U+FFFD): %#', async (metatype, body, message) => {
    expect(await problems(metatype, body)).toEqual([message]);
  });

  it('accepts well-formed non-ASCII user ids and channels', async () => {
    expect(await problems(CreateTokenDto, { userId: 'zoë 😀', channels: ['public:café'] })).toEqual([]);
  });

  it('refuses info nested 1,500 levels deep with 400 before transforming it (it used to overflow the stack)', async () => {
    let info: Record<string, unknown> = {};
    for (let i = 0; i < 1500; i++) info = { a: info };
    expect(await problems(CreateTokenDto, { userId: 'u', info })).toEqual(['info must not be nested more than 16 levels deep']);
  });

  it('accepts info nested exactly 16 levels deep', async () => {
    let info: Record<string, unknown> = { leaf: 1 };
    for (let i = 1; i < 16; i++) info = { a: info };
    expect(await problems(CreateTokenDto, { userId: 'u', info })).toEqual([]);
  });

  it('names unknown fields', async () => {
    expect(await problems(CreateSubscriptionTokenDto, { userId: 'u', channel: 'c', chanel: 'c' })).toEqual(['unknown field "chanel"']);
  });

  it('refuses a body that is not a JSON object', async () => {
    expect(await problems(CreateTokenDto, ['u'])).toEqual(['The request body must be a JSON object.']);
  });
});
