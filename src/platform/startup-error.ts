/** A reason the service cannot start that the operator can fix; its message is one sentence saying how. */
export class StartupError extends Error {}
