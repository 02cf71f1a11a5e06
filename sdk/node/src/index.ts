export { XshathraServer, type XshathraServerOptions } from './server.js';
export { XshathraAdmin, type XshathraAdminOptions } from './admin.js';
export { XshathraError, type XshathraErrorKind } from './errors.js';
export type { CallOptions } from './transport.js';
export type { ClientOptions } from './options.js';
export type * from './types.js';
