import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { MAX_USER_ID_LENGTH } from '../../../../domain/vocabulary';
import { IsOmittable, IsSmallJsonObject, IsUserId } from '../../../../http/validation';

export const MIN_TTL_SECONDS = 30;
export const MAX_TTL_SECONDS = 3600;
export const DEFAULT_TTL_SECONDS = 900;
export const MAX_INFO_BYTES = 4096;

const TTL_MESSAGE = `ttlSeconds must be an integer between ${MIN_TTL_SECONDS} and ${MAX_TTL_SECONDS}`;

/** Fields shared by both token requests. */
export class TokenFields {
  @ApiProperty({
    example: 'user_01HZEXAMPLE',
    maxLength: MAX_USER_ID_LENGTH,
    description: 'Stable end-user id; becomes the JWT `sub` claim.',
  })
  @IsUserId()
  userId: string;

  @ApiPropertyOptional({ minimum: MIN_TTL_SECONDS, maximum: MAX_TTL_SECONDS, default: DEFAULT_TTL_SECONDS, type: 'integer' })
  @IsOmittable()
  @IsInt({ message: TTL_MESSAGE })
  @Min(MIN_TTL_SECONDS, { message: TTL_MESSAGE })
  @Max(MAX_TTL_SECONDS, { message: TTL_MESSAGE })
  ttlSeconds?: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { displayName: 'Player One' },
    description: `JSON object stored in the token (at most ${MAX_INFO_BYTES} bytes).`,
  })
  @IsOmittable()
  @IsSmallJsonObject(MAX_INFO_BYTES)
  info?: Record<string, unknown>;
}
