import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Read by the controller itself (the body is optional): documented here. */
export class SignInDto {
  @ApiPropertyOptional({ description: 'An admin key (`xs_ak_…`); or send it as `Authorization: Bearer <admin key>`.' })
  adminKey?: string;
}

export class SessionDto {
  @ApiProperty({ format: 'uuid' }) adminKeyId: string;
  @ApiPropertyOptional({ description: "The admin key's name (with a session)." }) adminKeyName?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'When the session ends at the latest (with a session).' }) expiresAt?: string;
  @ApiProperty({ description: 'Minutes without a request after which a session ends (ADMIN_SESSION_IDLE_MINUTES).' }) idleMinutes: number;
}
