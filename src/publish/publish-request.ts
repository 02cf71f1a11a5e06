import { BadRequestException } from '@nestjs/common';

/**
 * The minimum the control plane checks before forwarding: a JSON object with a string `channel` and a
 * `data` member. Everything else (tags, idempotency_key, …) is the engine's to validate.
 */
export function assertPublishRequest(body: unknown): void {
  const problems: string[] = [];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestException('The request body must be a JSON object.');
  }
  const { channel } = body as Record<string, unknown>;
  if (typeof channel !== 'string' || channel.length === 0) problems.push('channel must be a non-empty string');
  if (!('data' in body)) problems.push('data is required');
  if (problems.length > 0) {
    throw new BadRequestException({ message: `Invalid request body: ${problems.join('; ')}.`, details: problems });
  }
}
