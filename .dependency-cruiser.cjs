/**
 * The layers of the product as rules (issue 11 "Flows as modules"), checked by
 * tests/architecture/dependency-rules.test.ts (`npx vitest run --project unit tests/architecture`).
 * By hand: `npx depcruise api workers web/src deploy/local --config .dependency-cruiser.cjs`.
 *
 * Layers, from the bottom: contracts/ (zod shapes shared with the console and the workers) and the
 * infrastructure of the API (db/, http/, security/, engine/, integrations/, documents/, auth/), then
 * the modules in api/src/modules/<module>/, then the composition roots (api/src/app.ts, server.ts,
 * bootstrap.ts, the worker process, deploy/local). Tests and their support import what they need.
 *
 * Violations that only another slice can remove are listed in tests/architecture/known-violations.json.
 */

/** Tests, their helpers and type declarations may reach into any layer to set a scene up. */
const notTests = '\\.test\\.ts$|(^|/)test-support\\.ts$|\\.test-support\\.ts$|\\.d\\.ts$|^tests/';

/**
 * Modules that serve every registered case type (DESIGN.md "Flows as modules"): the inbox and the
 * case view (tasks/, cases/) may use these, never a domain module such as registration/ or exams/.
 */
const caseTypeAgnostic = '(tasks|cases|notifications|deliveries|payments)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A cycle makes the import order (and so what is initialised first) an accident; type-only imports count too. Dynamic ' +
        "imports (the console's lazy routes, which import the menu of routes.ts back) load after both ends are initialised.",
      from: { pathNot: notTests },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['dynamic-import'] } },
    },
    {
      name: 'lower-layers-import-no-module',
      severity: 'error',
      comment: 'security/, http/, db/ and contracts/ sit below every module: a helper they need lives in their own layer, never in a module.',
      from: { path: '^api/src/(security|http|db|contracts)/', pathNot: notTests },
      to: { path: '^api/src/modules/' },
    },
    {
      name: 'contracts-import-only-contracts',
      severity: 'error',
      comment: 'The console and the workers import contracts/: a contract that imported server code would drag it into the browser bundle.',
      from: { path: '^api/src/contracts/', pathNot: notTests },
      to: { path: '^(api|workers|web|deploy|migrations|processes|templates)/', pathNot: '^api/src/contracts/' },
    },
    {
      name: 'no-other-modules-repository',
      severity: 'error',
      comment: "A module reaches another module's data through that module's service, never through its repository (not even for a row type).",
      from: { path: '^api/src/modules/([^/]+)/', pathNot: notTests },
      to: { path: '^api/src/modules/[^/]+/[^/]+\\.repository\\.ts$', pathNot: '^api/src/modules/$1/' },
    },
    {
      name: 'tasks-and-cases-import-no-domain-module',
      severity: 'error',
      comment: 'The inbox and the case view serve every registered case type (through the case-type registry), so they name no domain module.',
      from: { path: '^api/src/modules/(tasks|cases)/', pathNot: notTests },
      to: { path: '^api/src/modules/', pathNot: `^api/src/modules/${caseTypeAgnostic}/` },
    },
    {
      name: 'worker-handlers-import-contracts-and-services',
      severity: 'error',
      comment: 'A handler parses its variables (contracts/) and calls one domain service (STYLE.md habit 5); nothing else of the API.',
      from: { path: '^workers/src/.+\\.handlers?\\.ts$', pathNot: notTests },
      to: { path: '^api/', pathNot: '^api/src/(contracts/|modules/[^/]+/[^/]+\\.service\\.ts$)' },
    },
    {
      name: 'workers-import-contracts-services-and-wiring',
      severity: 'error',
      comment:
        'The worker process imports contracts and module services; its wiring (main.ts, worker-process.ts, handlers/index.ts) takes them from the composition root and builds ' +
        'what those services are constructed with (config, db, engine client, security, integration adapters, a module\'s *-setup). ' +
        'Never a repository, a route or the HTTP layer.',
      from: { path: '^workers/src/', pathNot: notTests },
      to: {
        path: '^api/',
        pathNot: '^api/src/(contracts/|modules/[^/]+/[^/]+(\\.service|-setup)\\.ts$|composition\\.ts$|config\\.ts$|db/|engine/|security/|integrations/)',
      },
    },
    {
      name: 'web-imports-only-contracts',
      severity: 'error',
      comment: 'The console talks to the API over HTTP; from the server it shares only the contracts (types and zod schemas).',
      from: { path: '^web/src/', pathNot: notTests },
      to: { path: '^(api|workers|deploy|migrations|tests)/', pathNot: '^api/src/contracts/' },
    },
    {
      name: 'api-imports-no-workers-or-web',
      severity: 'error',
      comment: 'The workers and the console depend on the API, not the other way round.',
      from: { path: '^api/', pathNot: notTests },
      to: { path: '^(workers|web)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Tests break no rule by definition (see notTests), so they are not even parsed: the check stays fast.
    exclude: { path: '(^|/)node_modules/|^deploy/engine/|^web/dist/|\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.d.ts', '.js', '.mjs', '.cjs', '.vue', '.json'] },
    skipAnalysisNotInRules: true,
  },
};
