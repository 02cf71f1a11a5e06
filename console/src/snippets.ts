/** Ready-to-paste calls for a project's backend: mint a connection token with its server key (the API reference's example). */
const EXAMPLE_BODY = { userId: 'user_01HZEXAMPLE', ttlSeconds: 900 };

export function curlSnippet(origin: string, serverApiKey: string): string {
  return [
    `curl -sS -X POST "${origin}/api/realtime/token" \\`,
    `  -H "Authorization: apikey ${serverApiKey}" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '${JSON.stringify(EXAMPLE_BODY)}'`,
  ].join('\n');
}

export function fetchSnippet(origin: string, serverApiKey: string): string {
  return [
    `const response = await fetch('${origin}/api/realtime/token', {`,
    `  method: 'POST',`,
    `  headers: { Authorization: 'apikey ${serverApiKey}', 'Content-Type': 'application/json' },`,
    `  body: JSON.stringify(${JSON.stringify(EXAMPLE_BODY)
      .replace(/"(\w+)":/g, '$1: ')
      .replace(/"/g, "'")
      .replace(/,/g, ', ')}),`,
    `});`,
    `const { token } = await response.json(); // give it to the browser's centrifuge client`,
  ].join('\n');
}
