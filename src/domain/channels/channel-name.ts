import { maxLength } from 'class-validator';

/**
 * The longest channel name any route accepts (tokens, publish, broadcast, presence, history): the engine's
 * own default `channel.max_length`, and a bound on the work one name asks of the policy check.
 */
export const MAX_CHANNEL_LENGTH = 255;

/**
 * Whether a channel name is within MAX_CHANNEL_LENGTH, counted as the DTOs' `@MaxLength(MAX_CHANNEL_LENGTH)`
 * counts (class-validator's own function), so that routes with and without a DTO draw the line at one place.
 */
export function isWithinChannelLength(channel: string): boolean {
  return maxLength(channel, MAX_CHANNEL_LENGTH);
}
