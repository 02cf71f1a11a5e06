import helmet from 'helmet';

/**
 * helmet's security headers with a strict CSP: scripts, styles and connections from this origin only (the
 * test page and its WebSocket pass it). The OpenAPI UI needs inline script and style, and gets them on its
 * own path only.
 */
export function securityHeaders(docsPath: string) {
  const directives = {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    frameAncestors: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    // Served over plain HTTP in development: do not ask browsers to upgrade.
    upgradeInsecureRequests: null,
  };
  const strict = helmet({ contentSecurityPolicy: { useDefaults: false, directives } });
  const docs = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { ...directives, scriptSrc: ["'self'", "'unsafe-inline'"], styleSrc: ["'self'", "'unsafe-inline'"] },
    },
  });
  return (req: Parameters<typeof strict>[0], res: Parameters<typeof strict>[1], next: Parameters<typeof strict>[2]) =>
    (req.url?.startsWith(`/${docsPath}`) ? docs : strict)(req, res, next);
}
