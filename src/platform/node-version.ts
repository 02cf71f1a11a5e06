/**
 * Imported first by every entry point (main, dev, cli): on an older Node the service would fail deep inside a
 * dependency (undici needs Node 24's APIs) with a stack that says nothing useful. Plain code, no imports,
 * so that it runs before anything else can fail.
 */
export const REQUIRED_NODE_MAJOR = 24;

export function nodeVersionProblem(version: string = process.versions.node): string | undefined {
  const major = Number(version.split('.')[0]);
  if (major >= REQUIRED_NODE_MAJOR) return undefined;
  return (
    `Xshathra Realtime needs Node.js ${REQUIRED_NODE_MAJOR} or newer (this is v${version}): run it through npm ` +
    `(npm run dev, npm start, npm run cli), which uses the project's own Node ${REQUIRED_NODE_MAJOR}.`
  );
}

const problem = nodeVersionProblem();
if (problem) {
  process.stderr.write(problem + '\n');
  process.exit(1);
}
