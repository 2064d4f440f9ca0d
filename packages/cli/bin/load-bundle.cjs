'use strict';
/**
 * Loads keyward's CommonJS bundle (../bundle, written by scripts/bundle.mjs) with V8's code cache.
 *
 * Why: a pre-commit hook runs keyward on every commit, and compiling the ~200 KB its path needs was a
 * measurable part of each run (see scripts/bundle.mjs); Node 20 has no compile cache of its own (22 has).
 * A chunk's cache sits in bundle/.v8-cache/<V8 version>-<arch>/, as trusted as the bundle beside it, and
 * only chunks whose names end in a content hash get one, so a cache can only belong to the bytes it was
 * made from (V8 itself checks its version, flags and the source length). A run that compiled a chunk
 * without a usable cache writes one as it exits, through a rename, so a concurrent hook never reads half a
 * file; a read-only install just compiles every time.
 */
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire } = require('node:module');

const BUNDLE = path.join(__dirname, '..', 'bundle');
const CACHE = path.join(BUNDLE, '.v8-cache', `${process.versions.v8}-${process.arch}`);
/** rolldown's `[name]-[hash].cjs`: eight characters of base64url before the extension. */
const CONTENT_HASHED = /-[\w-]{8}\.cjs$/;

/** @type {Map<string, { exports: unknown }>} */
const modules = new Map();
/** @type {{ script: vm.Script, file: string }[]} */
const uncached = [];
let listening = false;

/**
 * The exports of a bundle file (`main.cjs`, or a path from one chunk's `require('./…')`). A scan worker
 * passes `writeNow`: worker threads end by `terminate()`, with no exit event, so their caches are written
 * as soon as the entry has run (holding what its start compiled) rather than at exit.
 */
function loadBundle(name, options = {}) {
  const exports = load(path.join(BUNDLE, name));
  if (options.writeNow) writeCaches();
  return exports;
}

function load(file) {
  const known = modules.get(file);
  if (known) return known.exports;
  const module = { exports: {} };
  modules.set(file, module); // before running: chunks that require each other get the partial exports
  const cacheFile = CONTENT_HASHED.test(file) ? path.join(CACHE, `${path.basename(file)}.bin`) : undefined;
  const cachedData = cacheFile === undefined ? undefined : readIfPresent(cacheFile);
  // One line of wrapper, so line numbers in a stack trace match the file.
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname) {${fs.readFileSync(file, 'utf8')}\n})`,
    {
      filename: file,
      cachedData,
      // import() of ESM-only dependencies (yargs) resolves as it would in a file Node loaded itself.
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    },
  );
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected)) {
    if (!listening) process.once('exit', writeCaches);
    listening = true;
    uncached.push({ script, file: cacheFile });
  }
  const dir = path.dirname(file);
  const nodeRequire = createRequire(file);
  const require = (id) => (id.startsWith('./') ? load(path.join(dir, id)) : nodeRequire(id));
  script.runInThisContext()(module.exports, require, module, file, dir);
  return module.exports;
}

function readIfPresent(file) {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** At exit the cache also holds every function the run compiled, not only the top level. */
function writeCaches() {
  for (const { script, file } of uncached.splice(0)) {
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(temporary, script.createCachedData());
      fs.renameSync(temporary, file);
    } catch {
      // A read-only or full disk: the next run compiles again, which is all a missing cache costs.
      removeQuietly(temporary);
    }
  }
}

function removeQuietly(file) {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // Nothing was written there (its folder could not be made): nothing to remove.
  }
}

module.exports = { loadBundle };
