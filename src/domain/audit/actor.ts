/** Who made a change, as the audit log records it. */
export type Actor = { kind: 'cli' } | { kind: 'admin-key'; adminKeyId: string };

export const CLI_ACTOR: Actor = { kind: 'cli' };
