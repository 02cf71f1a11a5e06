import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The one shape of every error this service answers itself. */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode: number;

  @ApiProperty({ example: 'Invalid request body: ttlSeconds must be an integer between 30 and 3600.' })
  error: string;

  @ApiPropertyOptional({ type: [String], example: ['ttlSeconds must be an integer between 30 and 3600'] })
  details?: string[];
}
