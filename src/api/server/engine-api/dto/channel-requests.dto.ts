import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsNotEmpty, IsObject, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { IsOmittable, IsWellFormedUnicode } from '../../../../http/validation';
import { MAX_CHANNEL_LENGTH } from '../../../../domain/channels/channel-name';

export const MAX_HISTORY_LIMIT = 1000;

/** One channel of the project's, for presence and presence stats. */
export class ChannelRequestDto {
  @ApiProperty({ example: 'public:acme.lobby', maxLength: MAX_CHANNEL_LENGTH })
  @IsString({ message: 'channel must be a string' })
  @IsNotEmpty({ message: 'channel must not be empty' })
  @MaxLength(MAX_CHANNEL_LENGTH, { message: `channel must be at most ${MAX_CHANNEL_LENGTH} characters` })
  @IsWellFormedUnicode()
  channel: string;
}

/** A position in a channel's stream, as the engine reports it (`offset`, `epoch`). */
export class StreamPositionDto {
  @ApiProperty({ example: 12 })
  @IsInt({ message: 'since.offset must be a whole number from 0 to 2^53 - 1' })
  @Min(0, { message: 'since.offset must be a whole number from 0 to 2^53 - 1' })
  @Max(Number.MAX_SAFE_INTEGER, { message: 'since.offset must be a whole number from 0 to 2^53 - 1' })
  offset: number;

  @ApiProperty({ example: 'ARsSEcHT' })
  @IsString({ message: 'since.epoch must be a string' })
  epoch: string;
}

export class HistoryRequestDto extends ChannelRequestDto {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_HISTORY_LIMIT,
    description: 'How many publications; without it, only the stream position.',
  })
  @IsOmittable()
  @IsInt({ message: `limit must be a whole number from 0 to ${MAX_HISTORY_LIMIT}` })
  @Min(0, { message: `limit must be a whole number from 0 to ${MAX_HISTORY_LIMIT}` })
  @Max(MAX_HISTORY_LIMIT, { message: `limit must be a whole number from 0 to ${MAX_HISTORY_LIMIT}` })
  limit?: number;

  @ApiPropertyOptional({ type: StreamPositionDto, description: 'Only publications after this position.' })
  @IsOmittable()
  @IsObject({ message: 'since must be an object {offset, epoch}' })
  @ValidateNested()
  @Type(() => StreamPositionDto)
  since?: StreamPositionDto;

  @ApiPropertyOptional({ description: 'Newest first.' })
  @IsOmittable()
  @IsBoolean({ message: 'reverse must be true or false' })
  reverse?: boolean;
}
