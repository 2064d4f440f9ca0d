/**
 * Bundles the compiled CLI (dist/, from tsc) into bundle/ (CommonJS chunks), which bin/keyward.js runs
 * through bin/load-bundle.cjs.
 *
 * Why: Node 20's ESM loader costs ~0.5 ms per module (resolve, open, read, link), and a pre-commit run
 * crossed ~65 of keyward's own modules, one dynamic import after another. Code is still split at the CLI's
 * dynamic imports (no verifier, history, yargs or other reporters on the hook path), but everything the
 * pre-commit path runs (`scan --staged`, text output) is one chunk: measured 7 files loaded instead of 65.
 *
 * Every npm dependency is bundled too, so the published `keyward` package has no dependencies at all: the
 * workspace packages are never published, a user's install fetches one tarball, and nothing resolves from
 * node_modules at run time. The licences of what was bundled go to bundle/THIRD-PARTY-LICENSES.txt.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { rolldown } from 'rolldown';
import { thirdPartyLicenses } from './third-party-licenses.mjs';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..');
const packages = join(cli, '..');

/**
 * The modules of the pre-commit path (paths under packages/, compiled). A module missing here still
 * works, from a chunk of its own; `pnpm bench precommit` shows what that costs.
 */
const HOOK_PATH = [
  /^core\/dist\//,
  /^rules\/dist\/(index|generated|examples)\.js$/,
  /^sources\/dist\/(staged|source|errors|ignore-rules|ignore-file|git\/(cat-file|changes|exec|raw)|text\/added-lines)\.js$/,
  /^cli\/dist\/(version|errors|messages|exit-codes|report)\.js$/,
  /^cli\/dist\/commands\/scan\.js$/,
  /^cli\/dist\/agents\/(catalog|config-path)\.js$/,
  /^cli\/dist\/config\/(index|load|find|json-error|validate|apply|size|types)\.js$/,
  /^cli\/dist\/scan\/(collect|color|select-source|mode-options|git-source|pipeline|item-findings|rules|anchor-plan)\.js$/,
  /^cli\/dist\/reporters\/(index|load|emit|exit|summary|shared|colors|groups|text)\.js$/,
];

/**
 * What scan workers share with the history and worktree sources. Left to the bundler, these land in the
 * worker entry itself, and the history chunk would import worker.js in the main thread.
 */
const WORKER_SHARED = [
  /^sources\/dist\/(units|packed-paths|read-file|worktree|ignore-rules|ignore-file)\.js$/,
  /^sources\/dist\/(git\/(blocking-cat-file|fifos)|history\/runs)\.js$/,
  /^cli\/dist\/scan\/scan-units\.js$/,
];

const packagePath = (id) =>
  id
    .slice(packages.length + 1)
    .split(sep)
    .join('/');
const onHookPath = (id) =>
  /[\\/]node_modules[\\/](picocolors|ignore)[\\/]/.test(id) ||
  (id.startsWith(packages + sep) && HOOK_PATH.some((re) => re.test(packagePath(id))));

const workerShared = (id) =>
  id.startsWith(packages + sep) && WORKER_SHARED.some((re) => re.test(packagePath(id)));

const outdir = join(cli, 'bundle');
rmSync(outdir, { recursive: true, force: true });
const bundle = await rolldown({
  input: { main: join(cli, 'dist/main.js'), 'scan-worker': join(cli, 'dist/scan/worker.js') },
  platform: 'node',
  logLevel: 'warn',
  onLog(level, log, handler) {
    // sources/index re-exports the staged source that the CLI imports lazily: expected, not a problem.
    if (log.code === 'INEFFECTIVE_DYNAMIC_IMPORT') return;
    // yargs resolves a config's `extends` with import.meta.resolve; keyward never passes yargs a config.
    if (log.code === 'EMPTY_IMPORT_META' && /[\\/]yargs[\\/].*apply-extends\.js$/.test(log.id ?? '')) return;
    handler(level, log);
  },
});
const { output } = await bundle.write({
  dir: outdir,
  // CommonJS: Node 20 compiles an ES module of this size much more slowly than a script, and only a script
  // can take V8's code cache (bin/load-bundle.cjs). Interleaved runs of `scan --staged` (10 files staged,
  // 10k-file repo), median: ESM 154-161 ms, CommonJS 138-146 ms, with the cache 134-137 ms; node -e 0 89-93.
  format: 'cjs',
  // main.cjs is the name bin/keyward.js loads; the scan worker's name carries a hash, as chunks do, so the
  // loader gives it a code cache (see worker.cjs below).
  entryFileNames: (entry) => (entry.name === 'main' ? '[name].cjs' : '[name]-[hash].cjs'),
  chunkFileNames: '[name]-[hash].cjs',
  codeSplitting: {
    groups: [
      { name: 'hook-path', test: onHookPath, priority: 2 },
      { name: 'scan-shared', test: workerShared, priority: 1 },
    ],
  },
});
await bundle.close();

// Worker threads start at bundle/worker.cjs, beside the chunk of scan/parallel.js, which names it. It loads
// the worker through bin/load-bundle.cjs, with V8's code cache as in the main thread: each worker compiled
// ~200 KB of chunks on every start (measured ~20 ms of CPU each under load).
const worker = output.find((file) => file.type === 'chunk' && file.isEntry && file.name === 'scan-worker');
if (!worker) throw new Error('bundle: no scan-worker entry in the output');
writeFileSync(
  join(outdir, 'worker.cjs'),
  `'use strict';\n// Scan worker threads start here; see scripts/bundle.mjs.\n` +
    `require('../bin/load-bundle.cjs').loadBundle(${JSON.stringify(worker.fileName)}, { writeNow: true });\n`,
);

writeFileSync(join(outdir, 'THIRD-PARTY-LICENSES.txt'), thirdPartyLicenses(output));

// The prefilter plan for the built-in rules' anchors, made once here rather than in every thread of every
// scan that sets WASM up (20-30 ms each, while V8 still interprets the planner): scan/anchor-plan.ts.
const core = await import(pathToFileURL(join(packages, 'core/dist/index.js')).href);
const { RULES } = await import(pathToFileURL(join(packages, 'rules/dist/index.js')).href);
const anchors = core.compileRules(RULES).automaton.anchors;
writeFileSync(
  join(outdir, 'teddy-plan.json'),
  `${JSON.stringify(core.teddyPlanData(refinedOnCode(core.planTeddy(anchors))))}\n`,
);

/**
 * The plan with its buckets refined on real text (core's refineTeddyPlan), taken from the TypeScript compiler
 * the build installs anyway (pinned by the lockfile): 3 MB of its code and 1 MB of the DOM's declarations,
 * whose doc comments are English prose. Candidate positions per MB of held-out text, model -> refined: npm
 * 10,935 -> 6,424, git.git 8,554 -> 3,674, Go 12,561 -> 8,176, Python 8,830 -> 4,576, the worktree bench's
 * text 12,859 -> 11,023 (the compiler's code alone did worse on all five; see bench/README). Without those
 * files the model's plan is kept.
 */
function refinedOnCode(plan) {
  let text;
  try {
    const lib = dirname(createRequire(import.meta.url).resolve('typescript/lib/typescript.js'));
    text = Buffer.concat([
      readFileSync(join(lib, 'typescript.js')).subarray(0, 3 << 20),
      readFileSync(join(lib, 'lib.dom.d.ts')).subarray(0, 1 << 20),
    ]);
  } catch {
    console.warn('bundle: the TypeScript compiler was not found; the prefilter plan is not refined');
    return plan;
  }
  return core.refineTeddyPlan(plan, new Uint8Array(text));
}
