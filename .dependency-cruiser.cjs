// The layering rule of docs/development.md, checked by `npm run lint` (dependency-cruiser):
//   api → http → domain → platform, never upward; feature folders depend only downward, never on each other
//   in a ring; production code never imports the dev launchers or the tests.
// The composition root (src/*.ts: main, app.module, app.setup, cli, dev) may import every layer.
/** A folder's own files and anything below it. */
const under = (folder) => `^src/${folder}/`;

/** Within a layer, folder `from` may import only the listed sibling folders (and the layer's root files). */
const onlyDown = (layer, from, allowed) => ({
  name: `${layer}-${from}-only-down`,
  comment: `src/${layer}/${from} may import, of its sibling folders, only: ${allowed.join(', ') || 'none'}.`,
  severity: 'error',
  from: { path: under(`${layer}/${from}`), pathNot: '\\.spec\\.ts$' },
  to: { path: `^src/${layer}/[^/]+/`, pathNot: `^src/${layer}/(${[from, ...allowed].join('|')})/` },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'Modules that import each other in a ring: one concept has no owner (type-only links, like a TypeORM relation, do not count).',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'platform-is-the-bottom',
      severity: 'error',
      from: { path: under('platform') },
      to: { path: ['^src/(domain|http|api|dev)/', '^src/[^/]+\\.ts$'] },
    },
    {
      name: 'domain-knows-no-http',
      severity: 'error',
      from: { path: under('domain') },
      to: { path: ['^src/(http|api|dev)/', '^src/[^/]+\\.ts$'] },
    },
    {
      name: 'http-serves-no-api',
      severity: 'error',
      from: { path: under('http') },
      to: { path: ['^src/(api|dev)/', '^src/[^/]+\\.ts$'] },
    },
    {
      name: 'api-features-stand-alone',
      comment: 'An API folder (server, admin, engine-hooks, realtime-proxy, operations, cli) never imports another.',
      severity: 'error',
      from: { path: '^src/api/([^/]+)/' },
      to: { path: ['^src/api/', '^src/dev/', '^src/[^/]+\\.ts$'], pathNot: '^src/api/$1/' },
    },
    {
      name: 'dev-launchers-stay-out',
      comment: 'src/dev/ (the dev engine and state) is for `npm run dev` alone.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/dev/', '^src/dev\\.ts$'] },
      to: { path: '^src/dev/' },
    },
    {
      name: 'production-never-imports-tests',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.(int-)?spec\\.ts$' },
      to: { path: '^test/' },
    },
    onlyDown('domain', 'channels', []),
    onlyDown('domain', 'audit', []),
    onlyDown('domain', 'live', ['channels']),
    onlyDown('domain', 'projects', ['channels', 'audit', 'live']),
    onlyDown('domain', 'admin-keys', ['projects', 'audit']),
    onlyDown('http', 'rate-limit', []),
    onlyDown('platform', 'config', []),
    onlyDown('platform', 'metrics', ['config']),
    onlyDown('platform', 'engine', ['config', 'metrics']),
    onlyDown('platform', 'database', ['config']),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|\\.data|\\.cache)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['cjs', 'es6'],
  },
};
