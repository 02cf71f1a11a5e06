/**
 * What a project's debug feed shows (the console's Debug page): what happened, never a token, a key or a
 * payload. User ids and channel names are the project's own; sizes are in bytes.
 */
export type DebugEvent =
  | { type: 'connection-token'; user: string; channels: string[] }
  | { type: 'subscription-token'; user: string; channel: string }
  | { type: 'publish'; channel: string; bytes: number }
  | { type: 'broadcast'; channels: string[]; bytes: number }
  | { type: 'subscription'; user: string; channel: string; allowed: true }
  | { type: 'subscription'; user: string; channel: string; allowed: false; reason: string }
  | { type: 'refused-request'; method: string; path: string; status: number; message: string };

/** One publication on a project's debug channel: the events of a short interval, oldest first. */
export interface DebugBatch {
  events: Array<DebugEvent & { at: string }>;
  /** Events left out because more came in one interval than a batch carries. */
  dropped?: number;
}
