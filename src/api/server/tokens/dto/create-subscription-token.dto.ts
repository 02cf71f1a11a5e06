import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { IsWellFormedUnicode } from '../../../../http/validation';
import { MAX_CHANNEL_LENGTH } from '../../../../domain/channels/channel-name';
import { TokenFields } from './token-fields';

export class CreateSubscriptionTokenDto extends TokenFields {
  @ApiProperty({
    example: 'private:room_abc',
    maxLength: MAX_CHANNEL_LENGTH,
    description: 'Full channel name the token allows subscribing to.',
  })
  @IsString({ message: 'channel must be a string' })
  @IsNotEmpty({ message: 'channel must not be empty' })
  @MaxLength(MAX_CHANNEL_LENGTH, { message: `channel must be at most ${MAX_CHANNEL_LENGTH} characters` })
  @IsWellFormedUnicode()
  channel: string;
}

export class SubscriptionTokenResponseDto {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...' })
  token: string;

  @ApiProperty({ example: 'private:room_abc' })
  channel: string;

  @ApiProperty({ example: 600 })
  expiresInSeconds: number;
}
