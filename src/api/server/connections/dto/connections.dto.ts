import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { MAX_USER_ID_LENGTH } from '../../../../domain/vocabulary';
import { IsOmittable, IsUserId } from '../../../../http/validation';

/** `{}` for the project's counts; `{ userId }` for that user's connections in the project. */
export class ConnectionsRequestDto {
  @ApiPropertyOptional({ example: 'user_01HZEXAMPLE', maxLength: MAX_USER_ID_LENGTH })
  @IsOmittable()
  @IsUserId()
  userId?: string;
}

export class DisconnectRequestDto {
  @ApiProperty({ example: 'user_01HZEXAMPLE', maxLength: MAX_USER_ID_LENGTH })
  @IsUserId()
  userId: string;

  @ApiPropertyOptional({ description: 'Only this connection of the user (a `clientId` from POST /api/realtime/connections).' })
  @IsOmittable()
  @IsString({ message: 'clientId must be a string' })
  @IsNotEmpty({ message: 'clientId must not be empty' })
  @MaxLength(64, { message: 'clientId must be at most 64 characters' })
  clientId?: string;

  @ApiPropertyOptional({
    description: 'true: a reconnecting close code (4001), so clients come back (with a new token); default: terminal (4501).',
    default: false,
  })
  @IsOmittable()
  @IsBoolean({ message: 'reconnect must be true or false' })
  reconnect?: boolean;
}

export class ConnectionCountsDto {
  @ApiProperty({ description: "Live connections of the caller's project, on every engine node." }) connections: number;
  @ApiProperty({ description: 'Distinct user ids among them.' }) users: number;
}

export class LiveConnectionDto {
  @ApiProperty({ description: "The engine's client id of the connection." }) clientId: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: "The connection token's `info`, when it had one." })
  info?: unknown;
}

export class UserConnectionsDto {
  @ApiProperty() userId: string;
  @ApiProperty({ type: [LiveConnectionDto] }) connections: LiveConnectionDto[];
}

export class DisconnectedDto {
  @ApiProperty({ description: "How many of the user's connections in this project were closed." }) disconnected: number;
}
