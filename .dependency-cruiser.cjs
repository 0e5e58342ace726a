// Dependency rules for src/ (`npm run lint:deps`).
//
// Layers, lower never imports higher:
//   platform ← producer ← report ← {rollout, orchestrators} ← worker ← cli.ts
// plus: only cli.ts loads command code (src/<part>/commands/), no import cycles, the pure code
// listed in PURE reaches no I/O package (through any chain of imports), and only the connection
// factory imports ioredis.
//
// Parser: TypeScript 7's npm package has no compiler API, and dependency-cruiser only uses a
// `typescript` of version 2 to 6, so it reads .ts with swc (`parser: 'swc'`, devDependency
// @swc/core). Without @swc/core a directory scan would skip every .ts file; the npm script names
// src/cli.ts as well so that everything it reaches is still checked, and
// test/dependency-rules.test.ts fails when swc is missing. swc does not tell `import type` from
// `import`, so type-only imports count like any other import here.
'use strict';

const PARTS = ['platform', 'producer', 'report', 'rollout', 'orchestrators', 'worker'];

/** Matches any module of the given parts of src/ (cli.ts with 'cli'). */
function parts(...names) {
  return names.map((name) => (name === 'cli' ? '^src/cli\\.ts$' : `^src/${name}/`));
}

/** Everything under src/ except the given parts (and cli.ts unless named). */
function allBut(...allowed) {
  return parts(...PARTS.filter((part) => !allowed.includes(part)), 'cli');
}

// Pure code: computes from its inputs and does no I/O of its own, so its tests need no Redis, no
// network, no files and no AWS. Patterns are written so that a new file in a pure folder is pure
// by default; an I/O file added to src/producer must be named in PRODUCER_IO (or moved).
const PRODUCER_IO = [
  '^src/producer/commands/',
  '^src/producer/sqs-[^/]*\\.ts$',
  '^src/producer/enqueue[^/]*\\.ts$',
  '^src/producer/investigations-queue\\.ts$',
  '^src/producer/alarm-input\\.ts$',
  '^src/producer/alarm-batch\\.ts$',
];
const PURE = [
  '^src/producer/', // alarm formats: everything in producer but PRODUCER_IO
  // log signals and rules: the shared ones, and each specialist's own
  '^src/orchestrators/rules/',
  '^src/orchestrators/specialists/[^/]+/(signals|rules)/',
  // every rules file, at any depth, and each specialist's evidence shapes and log scanners
  '^src/orchestrators/specialists/.*-rules\\.ts$',
  '^src/orchestrators/specialists/[^/]+/[a-z]*-?evidence\\.ts$',
  '^src/orchestrators/specialists/[^/]+/(?:execution-log|lambda-evidence-facts|tool-results)\\.ts$',
  '^src/rollout/(assignment|flags)\\.ts$',
  // comparison statistics and their rendering
  '^src/report/(comparison[^/]*|compared-report|rollout-change-notice|verdict|critical-errors|compare-result|format-[^/]*|svg-bar-chart|compare-html)\\.ts$',
  // what notify sends: the payloads and the text people read
  '^src/report/sinks/(notice|slack-[^/]*|webhook-payload|retry-after)\\.ts$',
];
// Node's file, network and process modules, Redis and queues, AWS and OpenAI clients (resolved
// into node_modules, or by bare name should one not resolve). winston is allowed: logging is not
// I/O that tests have to fake.
const IO_MODULES = [
  '^(node:)?(fs|http|https|http2|net|tls|dgram|child_process)(/|$)',
  '(^|/)node_modules/(bullmq|ioredis|openai|@aws-sdk/[^/]+)/',
  '^(bullmq|ioredis|openai|@aws-sdk/[^/]+)(/|$)',
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'platform-imports-no-part',
      comment: 'src/platform is the bottom layer: shared plumbing that knows no part.',
      severity: 'error',
      from: { path: parts('platform') },
      to: { path: allBut('platform') },
    },
    {
      name: 'producer-imports-only-platform',
      severity: 'error',
      from: { path: parts('producer') },
      to: { path: allBut('platform', 'producer') },
    },
    {
      name: 'report-imports-only-platform-producer',
      severity: 'error',
      from: { path: parts('report') },
      to: { path: allBut('platform', 'producer', 'report') },
    },
    {
      name: 'rollout-imports-only-platform-producer-report',
      severity: 'error',
      from: { path: parts('rollout') },
      to: { path: allBut('platform', 'producer', 'report', 'rollout') },
    },
    {
      name: 'orchestrators-import-only-platform-producer-report',
      comment: 'Only the orchestrators commands may also use rollout (investigate uses the rollout assignment).',
      severity: 'error',
      from: { path: parts('orchestrators'), pathNot: '^src/orchestrators/commands/' },
      to: { path: allBut('platform', 'producer', 'report', 'orchestrators') },
    },
    {
      name: 'orchestrators-commands-import-no-worker',
      severity: 'error',
      from: { path: '^src/orchestrators/commands/' },
      to: { path: allBut('platform', 'producer', 'report', 'orchestrators', 'rollout') },
    },
    {
      name: 'worker-imports-no-cli',
      severity: 'error',
      from: { path: parts('worker') },
      to: { path: parts('cli') },
    },
    {
      name: 'only-cli-imports-commands',
      comment: 'Command code is loaded by src/cli.ts only; anything else that commands share belongs outside commands/.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli\\.ts$' },
      to: { path: '^src/[^/]+/commands/' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycle between modules of src/ (type-only imports included, see top).',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'pure-code-does-no-io',
      comment:
        'Pure code (PURE in .dependency-cruiser.cjs) reaches no fs/http/net, Redis, queues, AWS or OpenAI, ' +
        'directly or through the modules it imports (types included, see top): a pure module takes its types from pure modules too.',
      severity: 'error',
      from: { path: PURE, pathNot: PRODUCER_IO },
      to: { path: IO_MODULES, reachable: true },
    },
    {
      name: 'ioredis-only-in-redis-connection',
      comment:
        'Every Redis connection (bullmq is handed them too) is built by src/platform/redis-connection.ts; ' +
        'the rest take its RedisClient type. Type-only imports are meant to be allowed, but swc reports them as imports (see top).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/platform/redis-connection\\.ts$' },
      to: { path: ['(^|/)node_modules/ioredis/', '^ioredis(/|$)'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves; also catches a parser that cannot read .ts (see top).',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    parser: 'swc',
    doNotFollow: { path: '(^|/)node_modules/' },
    // node_modules may be a symlink (git worktrees); keep its paths as node_modules/...
    preserveSymlinks: true,
    moduleSystems: ['es6', 'cjs'],
    enhancedResolveOptions: {
      // Resolve package imports as Node's ESM loader does (NodeNext).
      conditionNames: ['import', 'node', 'default'],
      exportsFields: ['exports'],
      mainFields: ['module', 'main'],
      extensions: ['.ts', '.js', '.json'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
