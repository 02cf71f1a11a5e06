import type { components, paths } from './generated/api.js';

/*
 * Friendly names for the types generated from the service's OpenAPI document (src/generated/api.ts, by
 * `npm run openapi` in the service's repository). Nothing here is written by hand.
 */

type Schemas = components['schemas'];
type JsonBody<Operation> = Operation extends { requestBody?: { content: { 'application/json': infer Body } } } ? Body : never;

export type { components, paths };

/** The body of every error the service answers itself. */
export type ErrorBody = Schemas['ErrorResponseDto'];

export type CreateTokenRequest = Schemas['CreateTokenDto'];
export type TokenResponse = Schemas['TokenResponseDto'];
export type CreateSubscriptionTokenRequest = Schemas['CreateSubscriptionTokenDto'];
export type SubscriptionTokenResponse = Schemas['SubscriptionTokenResponseDto'];

/** A Centrifugo publish request; `idempotency_key` makes it safe to retry. */
export type PublishRequest = JsonBody<paths['/api/realtime/publish']['post']>;
/** A Centrifugo broadcast request (the same fields as a publish, with `channels`). */
export type BroadcastRequest = JsonBody<paths['/api/realtime/broadcast']['post']>;
export type ChannelRequest = Schemas['ChannelRequestDto'];
export type HistoryRequest = Schemas['HistoryRequestDto'];
export type StreamPosition = Schemas['StreamPositionDto'];

export type EngineErrorBody = Schemas['EngineError'];
export type PublishResult = Schemas['PublishResult'];
export type PublishReply = Schemas['PublishReply'];
export type BroadcastResult = Schemas['BroadcastResult'];
export type ClientInfo = Schemas['ClientInfo'];
export type PresenceResult = Schemas['PresenceResult'];
export type PresenceStatsResult = Schemas['PresenceStatsResult'];
export type Publication = Schemas['Publication'];
export type HistoryResult = Schemas['HistoryResult'];
export type ChannelInfo = Schemas['ChannelInfo'];
export type ChannelsResult = Schemas['ChannelsResult'];

export type Project = Schemas['ProjectView'];
export type CreateProjectRequest = Schemas['CreateProjectDto'];
export type UpdateProjectRequest = Schemas['UpdateProjectDto'];
export type CreatedProject = Schemas['CreatedProjectDto'];
export type ProjectPage = Schemas['ProjectPageDto'];
export type ApiKey = Schemas['KeyView'];
export type ApiKeyKind = Schemas['CreateKeyDto']['kind'];
export type CreatedKey = Schemas['CreatedKeyDto'];
export type AuditEntry = Schemas['AuditEntryView'];
export type AuditPage = Schemas['AuditPageDto'];
export type DisconnectedProject = Schemas['DisconnectedProjectDto'];
export type DebugFeed = Schemas['DebugFeedDto'];
export type PageQuery = NonNullable<paths['/api/admin/projects']['get']['parameters']['query']>;
export type AuditQuery = NonNullable<paths['/api/admin/audit']['get']['parameters']['query']>;

/* The live-connection routes (POST /api/realtime/connections and /disconnect). */

/** How many connections (and distinct users) the project has open now. */
export type LiveCounts = Schemas['ConnectionCountsDto'];
/** One open connection of the project: the engine's client id, and the connection token's `info` if it had one. */
export type LiveConnection = Schemas['LiveConnectionDto'];
export type UserConnections = Schemas['UserConnectionsDto'];
export type DisconnectRequest = Schemas['DisconnectRequestDto'];
export type DisconnectResult = Schemas['DisconnectedDto'];
