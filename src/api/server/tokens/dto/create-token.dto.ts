import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { IsOmittable, IsWellFormedUnicode } from '../../../../http/validation';
import { MAX_CHANNEL_LENGTH } from '../../../../domain/channels/channel-name';
import { TokenFields } from './token-fields';

const MAX_CHANNELS = 100;

export class CreateTokenDto extends TokenFields {
  @ApiPropertyOptional({ type: [String], example: ['public:lobby'], description: 'Server-side subscriptions for the connection.' })
  @IsOmittable()
  @IsArray({ message: 'channels must be an array of channel names' })
  @ArrayMaxSize(MAX_CHANNELS, { message: `channels must hold at most ${MAX_CHANNELS} names` })
  @IsString({ each: true, message: 'channels must contain only strings' })
  @IsNotEmpty({ each: true, message: 'channels must not contain empty names' })
  @MaxLength(MAX_CHANNEL_LENGTH, { each: true, message: `channel names must be at most ${MAX_CHANNEL_LENGTH} characters` })
  @IsWellFormedUnicode({ each: true, message: 'channel names must be well-formed Unicode' })
  channels?: string[];
}

export class TokenResponseDto {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...' })
  token: string;

  @ApiProperty({ example: 900 })
  expiresInSeconds: number;
}
