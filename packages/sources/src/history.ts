import type { ContentItem, Finding } from '@keyward/core';
import { newSourceStats, isBinary, type ParallelPlan, type ResolveHints, type ScanSource } from './source.js';
import { SourceError } from './errors.js';
import { availableParallelism } from 'node:os';
import { makeFifos, type Fifos } from './git/fifos.js';
import { gitEnv, type GitContext } from './git/exec.js';
import { findOnPath } from './git/on-path.js';
import { RepoQuery } from './git/query.js';
import { listBlobs, type BlobList, type ListedObjects, type Shard } from './history/blob-list.js';
import {
  historyShape,
  missingError,
  missingObjects,
  shallowError,
  type HistoryShape,
} from './history/complete.js';
import { checkStore } from './history/check-store.js';
import { walkReachable, type WalkRefs } from './history/reachable.js';
import { reachableCommits } from './history/reachable-commits.js';
import { allRefs, resolveRefs } from './history/refs.js';
import type { Missing, Walked } from './history/walked.js';
import { readInThread, readUnlisted, type BlobContents } from './history/in-thread.js';
import type { UnlistedRest } from './history/unlisted.js';
import { historyWork } from './history/work.js';
import { disappeared, disappearedIds } from './history/disappeared.js';
import { commitPeople, traceAmong, type BlobOrigin } from './history/trace.js';
import { secretsAtHead } from './history/at-head.js';
import type { ProgressListener } from './progress.js';

export type { Shard } from './history/blob-list.js';

export interface HistoryOptions extends GitContext {
  /** Branches (or other revisions) to audit; none: every blob in the object store (`--all`). */
  refs?: string[];
  /** A deterministic part of the blobs (`--shard i/n`), for CI matrices. */
  shard?: Shard;
  maxBlobSize?: number;
  /**
   * Repository-relative paths not to report (config `ignorePaths`, `.keywardignore`): a finding whose
   * blob is traced to such a path is marked suppressed by config (counted, not reported).
   */
  ignore?: (path: string) => boolean;
  onProgress?: ProgressListener;
  /** Bytes of blob contents read ahead of the scanner at most (default 16 MiB). */
  readAhead?: number;
  /**
   * `git cat-file` processes reading blobs side by side when the scan runs in the calling thread, each a
   * byte-balanced run of the pack-ordered list. One reads through a named pipe with blocking reads (a
   * third of the CPU of stream events), giving the event loop a turn every few MiB; more read as streams.
   * git's object decoding is a large part of a history; but this process needs a core to parse and scan,
   * and the reachability walk another for a while, so the default leaves them room: one reader on up to
   * two cores, then one per core but one (at most four). Large histories go to worker threads instead
   * (`parallel()`), each worker with its own reader.
   */
  readers?: number;
  /**
   * Listed bytes below which a scan on worker threads is not worth its fixed costs (workers, one cat-file
   * per run): the plan then yields no work and items() runs in the calling thread.
   */
  parallelMinBytes?: number;
  /**
   * Packs (compressed bytes) below which a whole-store audit reads in this thread without listing the
   * blobs first (see UNLISTED_PACK_BYTES).
   */
  unlistedPackBytes?: number;
  /**
   * `--require-complete`: a missing object fails the scan (E_HISTORY_INCOMPLETE) as soon as git's check
   * (or the walk) names it, before or while reading, with no report. Otherwise every object present is scanned and its
   * findings reported, and the stats say what is missing (`missing`, `incomplete`).
   */
  requireComplete?: boolean;
  /**
   * Blobs already scanned with no finding under the same rules and settings (`--store`): left out of the
   * listing, so never read. With it the blobs are always listed first (no unlisted read), so that
   * `cleanBlobs()` can say which of the listed blobs this audit found clean.
   */
  known?: (oid: string) => boolean;
}

/** A history source, plus what an incremental audit records after the scan. */
export interface HistorySource extends ScanSource {
  /** After `resolve`: the blobs this audit read and found clean (see cleanBlobs in historySource). */
  cleanBlobs(): CleanBlobs | undefined;
}

/** Raw ids (`width` bytes each, in list order) of blobs read with no finding, and how many were left out as known. */
export interface CleanBlobs {
  ids: Uint8Array;
  width: number;
  /** Blobs the listing left out as already known clean (`known`). */
  known: number;
}

/**
 * Listed bytes below which a history is scanned in one thread: worker start-up (~100 ms of CPU each, most
 * of it Node loading its own modules again) and a second cold cat-file cost more than they save. Measured
 * on 2 cores, one thread with blocking reads vs two workers (median of 7, load ~2.5): the bench's small
 * generated history (11 MB of blobs) 0.35 s vs 0.48 s; pre-commit's (49 MB) 0.79 vs 0.74 s; the bench's
 * mid (113 MB) 1.18 vs 1.16 s; express (212 MB) 1.43 vs 1.29 s; the bench's large (792 MB) 6.4 vs 5.6 s.
 */
export const HISTORY_PARALLEL_MIN_BYTES = 32 * 1024 * 1024;
/**
 * A reachability walk's output up to this size is kept raw and searched for the findings' blobs rather
 * than parsed beside the scan (see walkReachable): ~10 MB of packs make ~2 MB of it.
 */
const RAW_WALK_BYTES = 16 * 1024 * 1024;
/**
 * Packs (compressed) below which a whole-store audit reads in this thread, with no listing first and no
 * workers (history/unlisted.ts): one git inflating, one thread scanning, no worker start-up. Measured on
 * 2 cores against two workers (interleaved medians): the bench's mid history (12 MB of packs, 113 MB of
 * blobs) 629 vs 710 ms; a generated 25 MB pack (273 MB of blobs) 1.46-1.50 vs 1.64 s; a 38 MB one
 * (400 MB) about even (2.16-2.28 s both); the bench's large (68 MB) 3.8 vs 3.2 s for the workers.
 * That is the line for two threads (see unlistedLine).
 */
const UNLISTED_PACK_BYTES = 32 * 1024 * 1024;
/** Packs at least this large (compressed) start the workers while git still lists the blobs. */
const PARALLEL_EARLY_PACK_BYTES = 4 * 1024 * 1024;

/** `--shard i/n`: shard i (1-based) of n. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count)
    throw new SourceError('E_SHARD_SYNTAX', { shard: text });
  return { index, count };
}

/**
 * The whole history, for a one-off audit. Every blob in the object store is scanned exactly once, however
 * many commits hold it: blob ids are listed in pack order, split into byte-balanced runs and streamed
 * through long-lived `git cat-file --batch` processes (`readers`), so memory stays bounded. Meanwhile
 * git checks that nothing the refs reach is missing (history/check-store.ts). Once the scan finds
 * something, one `rev-list --objects` walk learns which blobs the refs reach, the commit that introduced
 * each, and whether any object is missing (keeping ~20 bytes an object: the paths of blobs with findings
 * are found again for them, history/compact-walk.ts); a history with nothing to attribute is never
 * walked. Only blobs with findings are traced back to the commit, author, date and path that introduced
 * them (`resolve`); findings in blobs no ref reaches are
 * kept, marked `reachable: false`. A shallow clone is not a complete history: exit 3 with what to fetch.
 * Nor is a partial clone or a repository with a missing object: every object present is still scanned
 * and reported, and the stats name what is missing (`missing`; the CLI exits 3 whatever was found), or
 * with `requireComplete` the scan fails with what to fetch, never a clean report.
 *
 * With `refs`, only blobs reachable from those revisions are scanned.
 */
export function historySource(options: HistoryOptions): HistorySource {
  const stats = newSourceStats();
  const query = new RepoQuery(options, { direct: true });
  let refs: WalkRefs = { revs: [] };
  let reach: Promise<Walked> | undefined;
  /** The walk has ended (its answers are there to take). */
  let walkDone = false;
  /** git's connectivity check (no --branch): what the refs reach that is missing; undefined if stopped or failed. */
  let checked: Promise<Missing | undefined> | undefined;
  const stopCheck = new AbortController();
  let shaped: Promise<HistoryShape> | undefined;
  const selected = options.refs !== undefined && options.refs.length > 0;
  let shape: HistoryShape = { shallow: false, promisor: undefined, packBytes: 0 };
  let describe: string | undefined;
  let commits: BlobList | undefined;
  let listing: Promise<ListedObjects> | undefined;
  let listedBlobs: BlobList | undefined;
  /** Blobs the listing left out as known clean (options.known). */
  let knownClean = 0;
  /** Blobs read in this thread that were gone when read (workers say so in their warnings). */
  const unread = new Set<string>();
  /** Blobs with at least one finding, reported or suppressed (what resolve was given). */
  let withFindings: Set<string> | undefined;
  /** Every blob in the object store is listed for scanning (no --branch, no shard, none too large). */
  let listedAll = false;
  // Objects missing (a partial clone usually lacks some), with requireComplete: reading stops as soon as
  // the check (or the walk) says so, not after gigabytes; both run alongside the listing and the reading.
  let missing: Error | undefined;
  const onMissing: Array<(error: Error) => void> = [];

  const shapeOf = () => (shaped ??= historyShape(query));

  /** Everything before reading, once (items() and the parallel plan share it): checks, walk, listing. */
  const prepare = () => (listing ??= list());

  /** The checks before reading, and the walk started (once): shallow or not, which refs. */
  const begin = () => (begun ??= start());
  let begun: Promise<void> | undefined;

  async function start(): Promise<void> {
    // Independent questions at once: is the history complete, which refs.
    const shaping = shapeOf();
    const resolving = selected ? resolveRefs(query, options.refs!) : allRefs(options, query);
    resolving.catch(() => {}); // awaited below, after the shape (whose errors come first)
    shape = await shaping;
    if (shape.shallow) throw shallowError();
    refs = await resolving;
    // --branch lists what the walk reaches: it walks now. Otherwise git's connectivity check runs beside
    // the reading and names what is missing (a partial clone lacks objects by design), and the walk runs
    // only if something is found (to attribute it) or git fails: with nothing to attribute, the walk is
    // pure cost (issue 18).
    if (selected) {
      walk();
      return;
    }
    const checking = checkStore(options, refs, stopCheck.signal);
    checked = checking;
    checking.then(
      (found) => {
        if (found === undefined) {
          if (!reach) void walk(); // git failed outright: the walk fails the same way, with its error
          return;
        }
        if (found.missingCount === 0 || !options.requireComplete) return;
        missing = missingError(found, shape);
        for (const stop of onMissing) stop(missing);
      },
      () => void walk(),
    );
  }

  /** The reachability walk, started once: by --branch, a check git failed, the first finding, or resolve. */
  function walk(): Promise<Walked> {
    if (reach) return reach;
    // The walk finds missing objects too: the check, if still running, is no longer needed.
    stopCheck.abort();
    // Auditing every object, the walk's output is searched afterwards unless it is long (see walkReachable).
    const walking = walkReachable(options, refs, selected ? {} : { rawUpTo: RAW_WALK_BYTES });
    reach = walking;
    walking.then(
      (walked) => {
        walkDone = true;
        if (walked.missingCount === 0 || !options.requireComplete) return;
        missing = missingError(walked, shape);
        for (const stop of onMissing) stop(missing);
      },
      () => {}, // awaited after the reading or in resolve; never an unhandled rejection
    );
    return walking;
  }

  async function list(): Promise<ListedObjects> {
    const sizes = {
      ...(options.maxBlobSize !== undefined ? { maxBlobSize: options.maxBlobSize } : {}),
      ...(options.shard ? { shard: options.shard } : {}),
    };
    // Auditing every object, the listing runs beside the checks; with --branch it waits for the walk,
    // which says which blobs those reach.
    const known = options.known;
    const unknown = known && ((oid: string) => (known(oid) ? (knownClean++, false) : true));
    const listingAll = selected
      ? undefined
      : listBlobs(options, { ...sizes, ...(unknown ? { accept: unknown } : {}) });
    listingAll?.catch(() => {});
    await begin();
    const walked = selected ? await reach : undefined;
    if (missing) throw missing;
    // Every object the walk met, as a set: held only while the listing asks (--branch alone).
    const reaches = walked?.membership();
    const reached = reaches && ((oid: string) => reaches(oid) && (!unknown || unknown(oid)));
    const listed = await (listingAll ??
      listBlobs(options, { ...sizes, ...(reached ? { accept: reached } : {}) }));
    listedBlobs = listed.blobs;
    stats.commits = listed.commits.length;
    commits = listed.commits;
    stats.skipped.tooLarge += listed.tooLarge;
    listedAll = !selected && !options.shard && listed.tooLarge === 0;
    describe = describeScan(options, listed.blobs.length, knownClean);
    return listed;
  }

  /**
   * Whether to read every blob in this thread without listing them first (history/unlisted.ts): every
   * object audited (no --branch, no shard), packs too small to be worth worker threads, named pipes
   * to read through, sh and awk for the pipeline, and no progress to draw (its totals and ETA come from
   * the listing, worth its ~80 ms to someone watching a terminal). Decided once: items() and the
   * parallel plan agree.
   */
  const readsUnlisted = () => (unlisted ??= decideUnlisted());
  let unlisted: Promise<Fifos | undefined> | undefined;

  async function decideUnlisted(): Promise<Fifos | undefined> {
    if (selected || options.shard || options.onProgress || options.known) return undefined;
    const path = gitEnv(options.env).PATH;
    if (!findOnPath('sh', path) || !findOnPath('awk', path)) return undefined;
    const making = makeFifos(1); // beside the shape: the pipe is likely wanted
    const { packBytes } = await shapeOf();
    if (packBytes < unlistedLine(options)) return making;
    await (await making)?.remove();
    return undefined;
  }

  /**
   * Every blob pushed to `take`, straight from git (see readsUnlisted), counted as the listing's path
   * counts them. git starts reading at once; the checks (a shallow clone fails) and the walk start beside
   * it. Without the unlisted read, the items after a listing.
   */
  async function each(take: (item: ContentItem) => void): Promise<void> {
    const fifos = await readsUnlisted();
    if (!fifos) {
      for await (const item of items()) take(item);
      return;
    }
    const checked = begin().then(() => {
      if (missing) throw missing;
    });
    let done = 0;
    const visit = (object: BlobContents) => {
      if (missing) throw missing;
      done++;
      const item = counted(object);
      if (item) take(item);
    };
    await readUnlisted(options, fifos, options.maxBlobSize, checked, visit, (rest: UnlistedRest) => {
      commits = rest.commits;
      stats.commits = rest.commits.length;
      stats.skipped.tooLarge += rest.tooLarge;
      listedAll = rest.tooLarge === 0;
    });
    describe = describeScan(options, done);
    await readingDone();
  }

  /**
   * A blob read: its scan item, or undefined when it is not scanned (binary, or gone since it was listed:
   * a concurrent gc, which makes the scan incomplete).
   */
  function counted(object: BlobContents): ContentItem | undefined {
    if (object.status !== 'ok') {
      stats.incomplete = true;
      stats.warnings.push(disappeared(object.oid));
      unread.add(object.oid);
      return undefined;
    }
    if (isBinary(object.bytes)) {
      stats.skipped.binary++;
      return undefined;
    }
    // The path is unknown until a blob with findings is traced; its id stands in for it until then.
    return { path: object.oid, bytes: object.bytes, blobId: object.oid };
  }

  /** Not complete until the check (or the walk) says what is missing, if anything. */
  async function walkedAll(): Promise<void> {
    const found = checked && (await checked.catch(() => undefined));
    checkMissing(found ?? (await walk()));
  }

  /** Objects missing: the scan fails (requireComplete), or its stats say it is a partial audit. */
  function checkMissing(walked: Missing): void {
    if (walked.missingCount === 0) return;
    if (options.requireComplete) throw missingError(walked, shape);
    stats.incomplete = true;
    stats.missing ??= missingObjects(walked, shape);
  }

  /** The blobs after a listing, pulled (the pipeline takes `each` where it can). */
  async function* items(): AsyncGenerator<ContentItem> {
    // A pipe made for the unlisted read is not needed here: readInThread makes its own as it reads.
    await (await readsUnlisted())?.remove();
    const listed = await prepare();
    if (missing) throw missing;
    const total = listed.blobs.length;
    const totalBytes = listed.blobs.bytes;
    let done = 0;
    let bytes = 0;
    const highWater = options.readAhead ?? 16 * 1024 * 1024;
    const readers = Math.max(1, Math.min(options.readers ?? defaultReaders(), 8));
    for await (const object of readInThread(options, listed.blobs, { readers, highWater })) {
      if (missing) throw missing;
      done++;
      if (object.status === 'ok') bytes += object.size;
      options.onProgress?.({ unit: 'blobs', done, total, bytes, totalBytes });
      const item = counted(object);
      if (item) yield item;
    }
    await readingDone();
  }

  /**
   * The end of the reading. With requireComplete not before the check (or the walk) has said nothing is
   * missing: a partial store is refused before anything is reported. Otherwise `resolve` waits for that
   * verdict, so that its own work (tracing blobs no ref reaches) can begin while the walk still runs.
   */
  async function readingDone(): Promise<void> {
    if (options.requireComplete) await walkedAll();
  }

  /**
   * The same scan on worker threads (history/runs.ts): each worker claims byte-balanced runs of the
   * pack-ordered list, reads them through its own cat-file and scans each blob in place. This thread
   * keeps the walk and `resolve`. Too little to split (fixed costs win): undefined, and items() runs.
   */
  function parallel(): ParallelPlan {
    let total = 0;
    let totalBytes = 0;
    // Named pipes for the workers' blocking reads, made while git lists the blobs; removed at the end.
    let fifos: Promise<Fifos | undefined> | undefined;
    const pipesFor = (workers: number) => (fifos ??= makeFifos(workers));
    const removePipes = async () => (await fifos)?.remove();
    return {
      async early(workers) {
        if (await readsUnlisted()) return false;
        const likely = (await shapeOf()).packBytes >= PARALLEL_EARLY_PACK_BYTES;
        if (likely) void pipesFor(workers);
        return likely;
      },
      async work(workers) {
        try {
          if (await readsUnlisted()) return undefined;
          const listed = await prepare();
          if (missing) throw missing;
          if (listed.blobs.bytes < (options.parallelMinBytes ?? HISTORY_PARALLEL_MIN_BYTES)) {
            await removePipes();
            return undefined;
          }
          total = listed.blobs.length;
          totalBytes = listed.blobs.bytes;
          // One run per worker: each further split costs a cat-file whose delta cache starts cold (measured
          // on the generated 20,000-commit history: 8 runs took 2.9 s of git CPU, 2 runs 1.8 s). On two
          // cores balance matters little: while one worker scans its tail, its git and it fill both.
          return historyWork(options, listed.blobs, workers, (await pipesFor(workers))?.paths);
        } catch (error) {
          await removePipes();
          throw error;
        }
      },
      watch(stop) {
        if (missing) stop(missing);
        else onMissing.push(stop);
      },
      progress(done, bytes) {
        options.onProgress?.({ unit: 'blobs', done, total, bytes, totalBytes });
      },
      async finish(failure) {
        await removePipes();
        // The walk's verdict first: a missing object explains a failed read too.
        if (failure !== undefined) await walkedAll();
        else await readingDone();
        if (failure !== undefined) throw failure;
      },
    };
  }

  async function resolve(findings: Finding[], hints: ResolveHints = {}): Promise<Finding[]> {
    const blobs = new Set(findings.map((f) => f.path));
    withFindings = blobs;
    if (blobs.size === 0 && !reach) {
      await walkedAll();
      return [];
    }
    const walking = walk();
    // Blobs no ref reaches are traced among the commits no ref reaches, a walk of its own: begun now when
    // the reachability walk is still running (a re-audit with --store reaches here in seconds), and
    // stopped if that walk then says every blob with a finding is reachable.
    const early = walkDone ? undefined : traceUnreachableEarly([...blobs]);
    const walked = await walking.catch((error: unknown) => {
      early?.stop();
      throw error;
    });
    checkMissing(walked);
    // One pass over the walk for all of them. Reachable blobs: the walk met each after the oldest commit
    // that held it. Only those a ref to a blob or tree alone reaches have none (a path, at most).
    const places = await walked.locate([...blobs]);
    const where = new Map<string, { commit: string; path: string }>();
    const rest: string[] = [];
    for (const oid of blobs) {
      const place = places.get(oid);
      if (place?.commit !== undefined && place.path !== undefined)
        where.set(oid, { commit: place.commit, path: place.path });
      else if (!place) rest.push(oid);
    }
    // Three independent questions, asked side by side (git does the work, one process each).
    const [people, unreachableOrigins, atHead] = await Promise.all([
      commitPeople(options, [...new Set([...where.values()].map((w) => w.commit))]),
      traceUnreachable(rest, early),
      secretsAtHead(options, findings, {
        query,
        scannedAll: listedAll && !stats.incomplete,
        ...(hints.standsAlone ? { standsAlone: hints.standsAlone } : {}),
      }),
    ]);
    const origins = new Map<string, BlobOrigin>();
    for (const [oid, { commit, path }] of where) {
      const who = people.get(commit);
      if (who) origins.set(oid, { commit, ...who, path });
    }
    mergeInto(origins, unreachableOrigins);
    return findings.map((finding) => {
      const oid = finding.path;
      const origin = origins.get(oid);
      const path = origin?.path ?? places.get(oid)?.path;
      const resolved: Finding = {
        ...finding,
        path: path ?? oid,
        reachable: places.has(oid),
        presentAtHead: atHead.has(finding.secret),
      };
      if (origin)
        Object.assign(resolved, { commit: origin.commit, author: origin.author, date: origin.date });
      if (path !== undefined && !resolved.suppressed && options.ignore?.(path))
        resolved.suppressed = 'config';
      return resolved;
    });
  }

  /**
   * A blob no ref reaches was introduced by a commit no ref reaches (else that commit's tree would reach
   * it): look among those alone, leaving out all the refs reach. They are the commits in the object
   * store the reachability walk did not meet (reset or amended away, dropped stashes, fetched pull
   * requests): hosts keep serving them by id.
   */
  async function traceUnreachable(blobs: string[], early?: EarlyTrace): Promise<Map<string, BlobOrigin>> {
    const walked = await reach;
    if (blobs.length === 0 || !commits || !walked) {
      early?.stop();
      return new Map();
    }
    if (early) {
      const traced = await early.traced;
      return new Map(blobs.flatMap((oid) => (traced.has(oid) ? [[oid, traced.get(oid)!] as const] : [])));
    }
    const all = Array.from({ length: commits.length }, (_, i) => commits!.oid(i));
    const reached = await walked.locate(all);
    const unreachable = all.filter((oid) => !reached.has(oid));
    return traceAmong(options, unreachable, blobs, refs.revs);
  }

  /**
   * The same trace for every blob with a finding, begun before the walk says which of them no ref reaches:
   * the commits no ref reaches are the listed ones `rev-list` of the refs does not print. A blob a ref
   * reaches is left out by the trace's own `--not` of the refs, so the answers for the unreachable ones
   * are the ones traceUnreachable would give them alone (the trace just runs to its end).
   */
  function traceUnreachableEarly(blobs: string[]): EarlyTrace | undefined {
    const listed = commits;
    if (!listed || listed.length === 0 || blobs.length === 0) return undefined;
    const controller = new AbortController();
    const traced = (async () => {
      const reached = await reachableCommits(options, refs, listed.length, controller.signal);
      if (controller.signal.aborted) return new Map<string, BlobOrigin>();
      const unreachable: string[] = [];
      for (let i = 0; i < listed.length; i++) {
        const oid = listed.oid(i);
        if (!reached.has(oid)) unreachable.push(oid);
      }
      return traceAmong(options, unreachable, blobs, refs.revs, controller.signal);
    })();
    traced.catch(() => {}); // awaited in traceUnreachable, or stopped unread
    return { traced, stop: () => controller.abort() };
  }

  /**
   * The listed blobs that were read and gave no finding at all, after `resolve`. Left out: every blob with
   * a finding, reported or suppressed (inline, config, baseline or a filter: suppressions change, and
   * such a blob must be judged again each time), and every blob that was not read (gone since it was
   * listed). Objects missing from the store were never listed. Binary blobs count as clean: the same
   * bytes are binary the next time too. Undefined before resolve, or when the blobs were not listed.
   */
  function cleanBlobs(): CleanBlobs | undefined {
    if (!listedBlobs || !withFindings) return undefined;
    const gone = new Set([...unread, ...disappearedIds(stats.warnings)]);
    const width = listedBlobs.idWidth;
    const all = listedBlobs.idBytes();
    const ids = new Uint8Array(all.length);
    let length = 0;
    for (let i = 0; i < listedBlobs.length; i++) {
      const oid = listedBlobs.oid(i);
      if (withFindings.has(oid) || gone.has(oid)) continue;
      ids.set(all.subarray(i * width, (i + 1) * width), length);
      length += width;
    }
    return { ids: ids.subarray(0, length), width, known: knownClean };
  }

  // The checks start now, while the caller builds its scanner: the reading can start sooner.
  readsUnlisted().catch(() => {});
  return {
    mode: 'history',
    get describe() {
      return describe;
    },
    items,
    each,
    parallel,
    resolve,
    found() {
      // After the checks: the walk needs the refs they resolve. Its failure is resolve's to report.
      begin()
        .then(walk)
        .catch(() => {});
    },
    cleanBlobs,
    stats: () => stats,
  };
}

/** A trace of unreachable blobs begun early (see traceUnreachableEarly). */
interface EarlyTrace {
  traced: Promise<Map<string, BlobOrigin>>;
  stop(): void;
}

function mergeInto(target: Map<string, BlobOrigin>, more: Map<string, BlobOrigin>): void {
  for (const [oid, origin] of more) if (!target.has(oid)) target.set(oid, origin);
}

/**
 * Packs below which the unlisted read is used, for the threads the scan may use (`readers`, which --jobs
 * sets; else the cores). One thread reads in one thread either way, and the unlisted read never waits
 * for a listing. Each thread past two gives the workers another reader and scanner and the unlisted read
 * nothing, so the line falls in proportion (measured on two cores only; this machine has no more).
 */
export function unlistedLine(options: HistoryOptions): number {
  if (options.unlistedPackBytes !== undefined) return options.unlistedPackBytes;
  const threads = options.readers ?? availableParallelism();
  if (threads <= 1) return Number.POSITIVE_INFINITY;
  return (UNLISTED_PACK_BYTES * 2) / threads;
}

function defaultReaders(): number {
  const cores = availableParallelism();
  return cores <= 2 ? 1 : Math.min(4, cores - 1);
}

function describeScan(options: HistoryOptions, blobs: number, known = 0): string {
  const what = options.refs && options.refs.length > 0 ? options.refs.join(', ') : 'all objects';
  const shard = options.shard ? `, shard ${options.shard.index}/${options.shard.count}` : '';
  const skipped = options.known ? `; ${known} known clean in the store, not read` : '';
  return `${what}${shard} (${blobs} blob${blobs === 1 ? '' : 's'}${skipped})`;
}
