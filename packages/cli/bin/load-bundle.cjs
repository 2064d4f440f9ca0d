'use strict';
/**
 * Loads keyward's CommonJS bundle (../bundle, written by scripts/bundle.mjs) with V8's code cache.
 *
 * Why: a pre-commit hook runs keyward on every commit, and compiling the ~200 KB its path needs was a
 * measurable part of each run (see scripts/bundle.mjs); Node 20 has no compile cache of its own (22 has).
 * A chunk's cache sits in bundle/.v8-cache/<V8 version>-<arch>[-<options hash>]/<command>/ (a scan
 * worker's in the folder above), as trusted as the bundle beside it, and only chunks whose names end in a
 * content hash get one, so a cache can only belong to the bytes it was made from (V8 itself checks its
 * version, flags and the source length). A run that compiled
 * a chunk without a usable cache writes one as it exits, through a rename, so a concurrent hook never
 * reads half a file; a read-only install just compiles every time.
 *
 * A cache holds the functions the run that wrote it had compiled, and V8 compiles the rest lazily in every
 * run that reads it, so each command keeps its own caches (`cacheFor`, from bin/keyward.js): `keyward
 * install` or `--version` are often the first runs after an install. Measured (CPU of the CLI after Node's
 * start, median of 60 interleaved runs of a 10-file `scan --staged`, 2 cores at load 3-4): with the hook
 * chunk's cache that `--version` wrote (148 KB; a scan writes 241 KB) 139 ms, with its own 134 ms, with
 * none 150 ms.
 *
 * One folder per V8 version, and per set of Node options (NODE_OPTIONS, flags before the script) when
 * there are any: V8 rejects a cache made under another version or other V8 flags (`--max-old-space-size`
 * is enough), and two Node versions or option sets sharing one file would reject and rewrite each other's
 * cache on every run. Measured on an installed package (same CPU measure, 25 interleaved runs): Node 20 /
 * 22 with their own cache 129 / 121 ms, the two alternating on one install 130 / 123, a first run beside
 * the other's cache 139 / 151 (compiles, then writes its own), no cache at all 140 / 145. Node 20 with and
 * without `--max-old-space-size=4096` alternating: one shared folder 150 / 128 ms, a folder each 136 / 117.
 * A folder that cannot be written gets nothing serialized: the cache file is opened first.
 */
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire } = require('node:module');

const BUNDLE = path.join(__dirname, '..', 'bundle');
const CACHE = path.join(BUNDLE, '.v8-cache', cacheFolderName());
/** rolldown's `[name]-[hash].cjs`: eight characters of base64url before the extension. */
const CONTENT_HASHED = /-[\w-]{8}\.cjs$/;

/** @type {Map<string, { exports: unknown }>} */
const modules = new Map();
/** @type {{ script: vm.Script, file: string }[]} */
const uncached = [];
let listening = false;
let cacheDir = CACHE;

/**
 * The exports of a bundle file (`main.cjs`, or a path from one chunk's `require('./…')`). A scan worker
 * passes `writeNow`: worker threads end by `terminate()`, with no exit event, so their caches are written
 * as soon as the entry has run (holding what its start compiled) rather than at exit. `cacheFor` (a
 * command's name, on the first call): the caches of this process are that command's own.
 */
function loadBundle(name, options = {}) {
  if (modules.size === 0 && /^[\w-]+$/.test(options.cacheFor ?? ''))
    cacheDir = path.join(CACHE, options.cacheFor);
  const exports = load(path.join(BUNDLE, name));
  if (options.writeNow) writeCaches();
  return exports;
}

function load(file) {
  const known = modules.get(file);
  if (known) return known.exports;
  const module = { exports: {} };
  modules.set(file, module); // before running: chunks that require each other get the partial exports
  const cacheFile = CONTENT_HASHED.test(file) ? path.join(cacheDir, `${path.basename(file)}.bin`) : undefined;
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
    // A folder that cannot be written (a read-only or root-owned install) fails the same for every chunk.
    if (!writeCache(script, file)) break;
  }
}

/** Writes one cache through a rename; false when its file could not even be opened. */
function writeCache(script, file) {
  const temporary = `${file}.${process.pid}.tmp`;
  let fd;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Opened before V8 serializes the cache (~200 KB, a few ms): where nothing can be written, it never is.
    fd = fs.openSync(temporary, 'w');
  } catch {
    return false;
  }
  try {
    fs.writeFileSync(fd, script.createCachedData());
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temporary, file);
  } catch {
    // A full disk: the next run compiles again, which is all a missing cache costs.
    if (fd !== undefined) closeQuietly(fd);
    removeQuietly(temporary);
  }
  return true;
}

/**
 * `<V8 version>-<arch>`, plus a hash of the Node options when there are any: V8's flags can only come
 * from those (keyward sets none at run time), and a cache is valid only under the flags it was made with.
 */
function cacheFolderName() {
  const base = `${process.versions.v8}-${process.arch}`;
  const options = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join('\0');
  return options.replace(/\0/g, '').trim() === '' ? base : `${base}-${fnv1a(options)}`;
}

/** 32-bit FNV-1a as 8 hex digits: tells option sets apart (a collision only costs a recompile). */
function fnv1a(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

function closeQuietly(fd) {
  try {
    fs.closeSync(fd);
  } catch {
    // Already closed, or the descriptor is gone: nothing to release.
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
