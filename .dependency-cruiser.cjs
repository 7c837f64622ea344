/**
 * The layer check (`npm run check:layers`, docs/architecture.md "Layers"): no circle between modules
 * under src/, and no import from a folder to a folder of a higher layer. A folder may import its own
 * layer and any lower one. The one seam every layer receives is the `AppContext` type, so a type-only
 * import of src/context.ts is allowed from anywhere; a value import of it is not.
 */

/** Lowest first. A path is a regular expression on the module's path from the repository root. */
const LAYERS = [
  {
    name: 'shared',
    comment: 'pieces everything uses: logging, masking, texts, settings, storage, queues, HTTP plumbing',
    paths: [
      '^src/(log|phone-mask|config|shutdown)[.]ts$',
      '^src/(config|i18n|db|queue|services|mail)/',
      '^src/http/(?!ui/)',
    ],
  },
  {
    name: 'domain',
    comment: 'Twilio (SDK client, stand-in transport), sign-in, tickets, score writes, the audit chains',
    paths: ['^src/(twilio|auth|tickets|scores|audit-chain)/', '^src/http/ui/'],
  },
  {
    name: 'stages',
    comment: 'closure verification by stage, and the post-call rating',
    paths: ['^src/(followup|voice)/'],
  },
  {
    name: 'readers',
    comment: 'reports, retention and administration, which read and manage what the stages stored',
    paths: ['^src/(reports|retention|admin)/'],
  },
  {
    name: 'app',
    comment: 'wiring: the context, the Express app, the processes, and the developer sandbox',
    paths: ['^src/sandbox/', '^src/(app|api-docs|context|system|main|worker-definitions)[.]ts$'],
  },
];

const CONTEXT = '^src/context[.]ts$';

/**
 * Known violations, each removed by the work named beside it. Each entry is one import (from, to)
 * or one circle; the check fails on anything not listed here, and says so when a listed one is gone
 * (so the list only shrinks).
 */
const TEMPORARY = [];

const layerRules = LAYERS.slice(0, -1).map((layer, i) => {
  const above = LAYERS.slice(i + 1).flatMap((l) => l.paths);
  return {
    name: `layer-${layer.name}`,
    severity: 'error',
    comment: `${layer.name} (${layer.comment}) imports only its own layer and those below it`,
    from: { path: layer.paths },
    to: { path: above, pathNot: CONTEXT },
  };
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'a circle means two modules cannot be understood, tested or moved apart',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'context-value-import',
      severity: 'error',
      comment: 'below the app layer, only the AppContext type is imported; the context is built above',
      from: { path: LAYERS.slice(0, -1).flatMap((l) => l.paths) },
      to: { path: CONTEXT, dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    // Type-only imports are imports too: a type that climbs up the layers couples the folders as
    // much as a value does.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
  // Not a dependency-cruiser option: scripts/check-layers.ts reads it and takes it out.
  temporaryExceptions: TEMPORARY,
};
