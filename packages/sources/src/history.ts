import type { ContentItem, Finding } from '@keyward/core';
import { newSourceStats, isBinary, type ParallelPlan, type ResolveHints, type ScanSource } from './source.js';
import { SourceError } from './errors.js';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeFifos, type Fifos } from './git/fifos.js';
import { fifoMaker, gitEnv, type GitContext } from './git/exec.js';
import { findOnPath } from './git/on-path.js';
import { RepoQuery } from './git/query.js';
import { BlobList, listBlobs, listObjects, type ListedObjects, type Shard } from './history/blob-list.js';
import {
  historyShape,
  missingError,
  missingObjects,
  shallowError,
  type HistoryShape,
} from './history/complete.js';
import { IN_THREAD_CHECK_NICENESS, READER_NICENESS, checkStore } from './history/check-store.js';
import { walkReachable, type WalkRefs } from './history/reachable.js';
import { WalkUntil } from './history/walk-until.js';
import { reachableCommits } from './history/reachable-commits.js';
import { allRefs, resolveRefs } from './history/refs.js';
import type { Missing, Walked } from './history/walked.js';
import { readInThread, readUnlisted, type BlobContents } from './history/in-thread.js';
import type { UnlistedRest } from './history/unlisted.js';
import { historyWork } from './history/work.js';
import { disappeared, disappearedIds } from './history/disappeared.js';
import { commitPeople, traceAmong, type BlobOrigin } from './history/trace.js';
import { objectFiles } from './history/object-files.js';
import {
  listSince,
  newSince,
  refTips,
  storeNow,
  type HistoryRecord,
  type ListedSince,
  type RecordedOrigin,
  type StoreNow,
} from './history/since.js';
import { secretsAtHead } from './history/at-head.js';
import type { ProgressListener } from './progress.js';

export type { Shard } from './history/blob-list.js';
export type { HistoryRecord, RecordedOrigin } from './history/since.js';

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
  /** A walk's output kept raw up to this size (see RAW_WALK_BYTES); above it, parsed. Paced either way. */
  rawWalkBytes?: number;
  /** How long git's check waits before it starts (see CHECK_GRACE_MS). */
  checkGraceMs?: number;
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
  /**
   * `--store`: keep what this audit learnt for the next one (`record()` after resolve), and take the last
   * one's answers where they still stand (history/since.ts): only the objects outside the packs it
   * listed are listed, only what the refs reach beyond the commits it walked from is walked. Audits of
   * the whole store only (not --branch). `load` gives the last record of the store whose pack folder is
   * `packDir` (an absolute path: what names the store), if any.
   */
  recording?: { load(packDir: string): Promise<HistoryRecord | undefined> };
  /**
   * Other work shares this thread (`keyward fleet` audits repositories side by side in one): a read in
   * this thread never waits for git, it gives the thread back until git has written (a blocking read
   * held it while git inflated the next blob: in a fleet of two, 3.3 s of the thread's 13.5).
   */
  sharedThread?: boolean;
}

/** A history source, plus what an incremental audit records after the scan. */
export interface HistorySource extends ScanSource {
  /** After `resolve`: the blobs this audit read and found clean (see cleanBlobs in historySource). */
  cleanBlobs(): CleanBlobs | undefined;
  /** After `resolve`, with `recording`: what the next audit may take from this one (see HistoryRecord). */
  record(): HistoryRecord | undefined;
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
/**
 * How long git's connectivity check waits before it starts (see start()): what a first finding has to
 * come in to spare it. Small against any history whose check takes long (1M blobs: 7.7 s).
 */
const CHECK_GRACE_MS = 100;
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
 * something, one `rev-list --objects` walk learns which blobs the refs reach and the commit that introduced
 * each (keeping ~20 bytes an object: the paths of blobs with findings are found again for them,
 * history/compact-walk.ts). It goes only as far as the blobs with findings need while the check runs
 * beside it (history/walk-until.ts), or to its end, answering for the check too; a history with nothing
 * to attribute is never walked. Only blobs with findings are traced back to the commit, author, date and path that introduced
 * them (`resolve`); findings in blobs no ref reaches are
 * kept, marked `reachable: false`. A shallow clone is not a complete history: exit 3 with what to fetch.
 * Nor is a partial clone or a repository with a missing object: every object present is still scanned
 * and reported, and the stats name what is missing (`missing`; the CLI exits 3 whatever was found), or
 * with `requireComplete` the scan fails with what to fetch, never a clean report.
 *
 * With `refs`, only blobs reachable from those revisions are scanned.
 */
export function historySource(given: HistoryOptions): HistorySource {
  // An audit starts many git processes from a process that grows large: through a small helper, whose
  // forks cost nothing, rather than by forking this process (spawn-helper.ts says what that costs).
  const options: HistoryOptions = { viaHelper: true, ...given };
  const stats = newSourceStats();
  const query = new RepoQuery(options, { direct: true });
  let refs: WalkRefs = { revs: [] };
  let reach: Promise<Walked> | undefined;
  /** The walk has ended (its answers are there to take). */
  let walkDone = false;
  /** git's connectivity check (no --branch): what the refs reach that is missing; undefined if stopped or failed. */
  let checked: Promise<Missing | undefined> | undefined;
  /** The check has started (past its grace): a walk begun since stops at what attributing needs. */
  let checkStarted = false;
  const stopCheck = new AbortController();
  /** Paces the walk by the blobs with findings (set in walk() when a check runs beside it). */
  let until: WalkUntil | undefined;
  /** The scan has told of a finding; the blobs it named so far (see found()). */
  let foundAny = false;
  const foundBlobs = new Set<string>();
  /** Starts a check that waits for the end of the reading (sharedThread). */
  let checkNow: (() => void) | undefined;
  /**
   * Ends the check's grace now and starts it from this process (see checkBeforeBlocking); settles once
   * its git has been started, or will not be (stopped meanwhile).
   */
  let startCheckNow: (() => Promise<void>) | undefined;
  /** The check gave no answer (git failed, or it was stopped unanswered): the walk must. */
  let checkGone = false;
  let shaped: Promise<HistoryShape> | undefined;
  const selected = options.refs !== undefined && options.refs.length > 0;
  let shape: HistoryShape = { shallow: false, promisor: undefined, packBytes: 0, packDir: '' };
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
  // --store (options.recording): the store and refs as found, for the next record.
  let now: StoreNow | undefined;
  /** The last record still stands: only what is new since is listed (and, until resolve gives up, walked). */
  let since: { last: HistoryRecord; newPacked: string[]; listed?: ListedSince } | undefined;
  let walkSince = false;
  /** A full audit's commits and blobs over the cap in its packs (the listing's, less the loose objects'). */
  let packed: { commits: number; tooLarge: number } | undefined;
  /** Where each blob with a finding came from, once resolved: the next record's origins. */
  let resolvedOrigins: Map<string, RecordedOrigin> | undefined;

  const shapeOf = () => (shaped ??= historyShape(query));
  const rawWalkBytes = () => options.rawWalkBytes ?? RAW_WALK_BYTES;

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
    const tips = options.recording && !selected ? refTips(options) : undefined;
    tips?.catch(() => {});
    shape = await shaping;
    if (shape.shallow) throw shallowError();
    refs = await resolving;
    if (options.recording && tips) {
      const loading = options.recording.load(shape.packDir);
      loading.catch(() => {}); // awaited next, after the store's files
      const files = await objectFiles(shape.packDir, gitEnv(options.env));
      now = storeNow(await tips, refs, files);
      const last = await loading;
      const newPacked = last && (await newSince(options, last, now, refs, shape.packDir));
      if (last && newPacked) {
        // Only what the refs reach beyond the last audit's tips is walked: it names what is new and
        // reachable, and what of it is missing. Cheap: it runs at once.
        since = { last, newPacked };
        walkSince = true;
        walk();
        return;
      }
    }
    // --branch lists what the walk reaches: it walks now. Otherwise git's connectivity check runs beside
    // the reading and names what is missing (a partial clone lacks objects by design), and the walk runs
    // only if something is found (to attribute it) or git fails: with nothing to attribute, the walk is
    // pure cost (issue 18).
    if (selected) {
      walk();
      return;
    }
    // A moment's grace first: an audit whose first finding comes at once walks instead, and never starts
    // a check it would stop (a git process less, which a fleet of small repositories pays each time).
    // In a shared thread (a fleet), the grace lasts until the end of the reading: the other audits keep
    // the cores busy meanwhile, and an audit that finds anything never runs the check at all.
    // A reading about to block this thread starts it at once (checkBeforeBlocking).
    let direct = false;
    let atOnce!: () => void;
    let launched!: () => void;
    const launch = new Promise<void>((resolve) => (launched = resolve));
    const grace = options.sharedThread
      ? new Promise<void>((resolve) => {
          checkNow = resolve;
          stopCheck.signal.addEventListener('abort', () => resolve(), { once: true });
        })
      : Promise.race([
          sleep(options.checkGraceMs ?? CHECK_GRACE_MS, undefined, { signal: stopCheck.signal }).catch(
            () => {},
          ),
          new Promise<void>((resolve) => (atOnce = resolve)),
        ]);
    if (!options.sharedThread)
      startCheckNow = () => {
        direct = true;
        atOnce();
        return launch;
      };
    const checking = (async () => {
      await grace;
      if (stopCheck.signal.aborted) {
        launched();
        return undefined;
      }
      checkStarted = true;
      // Started directly when this thread is about to block: through the helper, git would wait for
      // this thread's event loop to open its pipe, that is for the end of the reading (its stdin is
      // /dev/null for the same reason: launchDirect). Beside that reading it runs at normal priority.
      const running = direct
        ? checkStore({ ...options, viaHelper: false }, refs, stopCheck.signal, IN_THREAD_CHECK_NICENESS)
        : checkStore(options, refs, stopCheck.signal);
      launched();
      return running;
    })();
    checked = checking;
    checking.then(
      (found) => {
        if (found === undefined) {
          // Stopped by a whole walk, or git failed outright: then the walk must go to its end (and it
          // fails the same way, with its error).
          if (!stopCheck.signal.aborted) checkFailed();
          return;
        }
        if (found.missingCount === 0 || !options.requireComplete) return;
        missing = missingError(found, shape);
        until?.abandon();
        for (const stop of onMissing) stop(missing);
      },
      () => void walk(),
    );
  }

  /**
   * The reachability walk, started once: by --branch, a check git failed, the first finding, or resolve.
   * The walk finds missing objects too, so a check not yet started never starts. A check already under
   * way keeps going (it has done part of the same pass over the trees, and the walk starts from nothing),
   * and the walk goes only as far as the blobs with findings need (WalkUntil): it waits while it has met
   * all found so far, and stops once the scan has ended and it has met them all; the check then says
   * what is missing. A walk that goes to its end stops the check: it has answered the same question.
   */
  function walk(): Promise<Walked> {
    if (reach) return reach;
    if (!checkStarted) stopCheck.abort();
    if (!selected && !walkSince && checkStarted && !checkGone) {
      until = new WalkUntil({ commits: () => stats.commits, late: () => stopCheck.abort() });
      for (const blob of foundBlobs) until.want(blob);
    }
    // Auditing every object, the walk's output is searched afterwards unless it is long (see walkReachable).
    const from =
      walkSince && since ? { ...refs, revs: [...refs.revs, ...since.last.tips.map((t) => `^${t}`)] } : refs;
    const walking = walkReachable(options, from, {
      ...(selected ? {} : { rawUpTo: rawWalkBytes() }),
      ...(walkSince ? { asideWalked: true } : {}),
      ...(until ? { until } : {}),
    });
    reach = walking;
    walking.then(
      (walked) => {
        walkDone = true;
        if (!walked.partial) stopCheck.abort(); // the walk has answered what the check would
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
    const filter = { ...sizes, ...(unknown ? { accept: unknown } : {}) };
    // With a record to take, the checks say first whether the whole store must be listed at all.
    const waits = selected || options.recording !== undefined;
    let listingAll = waits ? undefined : listBlobs(options, filter);
    listingAll?.catch(() => {});
    await begin();
    if (since) return listNew(since, filter);
    if (!selected) listingAll ??= listBlobs(options, filter);
    // A full audit's record counts what its packs hold: the listing's counts less the loose objects'.
    const loose = now && listLoose(now, sizes);
    loose?.catch(() => {});
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
    const inLoose = await loose;
    if (inLoose) {
      packed = {
        commits: listed.commits.length - inLoose.commits.length,
        tooLarge: listed.tooLarge - inLoose.tooLarge,
      };
    }
    return listed;
  }

  /** The listing of an audit that takes the last record (history/since.ts). */
  async function listNew(
    from: NonNullable<typeof since>,
    filter: Parameters<typeof listSince>[4],
  ): Promise<ListedObjects> {
    if (missing) throw missing;
    const got = await listSince(options, from.last, now!.files, from.newPacked, filter);
    from.listed = got;
    const { listed } = got;
    listedBlobs = listed.blobs;
    commits = listed.commits;
    stats.commits = from.last.packed.commits + listed.commits.length;
    const tooLarge = from.last.packed.tooLarge + listed.tooLarge;
    stats.skipped.tooLarge += tooLarge;
    listedAll = !options.shard && tooLarge === 0;
    describe = describeScan(options, listed.blobs.length, knownClean, true);
    return listed;
  }

  /** The loose objects' commits and blobs over the cap (`sizes`: the listing's cap and shard). */
  async function listLoose(store: StoreNow, sizes: { maxBlobSize?: number; shard?: Shard }) {
    const out: ListedObjects = { blobs: new BlobList(), commits: new BlobList(), tooLarge: 0 };
    await listObjects(options, store.files.loose, out, sizes);
    return out;
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
    if (selected || options.shard || options.onProgress || options.known || options.recording)
      return undefined;
    const path = gitEnv(options.env).PATH;
    if (!findOnPath('sh', path) || !findOnPath('awk', path)) return undefined;
    const making = makeFifos(1, fifoMaker(options)); // beside the shape: the pipe is likely wanted
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
    const checked = begin()
      .then(checkBeforeBlocking)
      .then(() => {
        if (missing) throw missing;
      });
    let done = 0;
    const visit = (object: BlobContents) => {
      if (missing) throw missing;
      done++;
      const item = counted(object);
      if (item) take(item);
    };
    await readUnlisted(
      options,
      fifos,
      options.maxBlobSize,
      checked,
      visit,
      (rest: UnlistedRest) => {
        commits = rest.commits;
        stats.commits = rest.commits.length;
        stats.skipped.tooLarge += rest.tooLarge;
        listedAll = rest.tooLarge === 0;
      },
      options.sharedThread === true,
    );
    describe = describeScan(options, done);
    await readingDone();
  }

  /**
   * A read in this thread blocks it on git's pipe, giving its event loop a turn only every few MiB:
   * a check still in its grace would start only after the reading (0.1M blobs: the reading ended at
   * 1.15 s, the check began at 1.19 s and ended at 2.09 s, alone). So it starts now, before the first
   * read, and directly (see start()). Not in a shared thread: there it waits for the reading on purpose.
   */
  async function checkBeforeBlocking(): Promise<void> {
    if (!checkStarted && !stopCheck.signal.aborted) await startCheckNow?.();
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
    checkNow?.();
    const found = checked && (await checked.catch(() => undefined));
    if (found === undefined) checkFailed();
    checkMissing(found ?? (await missingAfter(await walk())));
  }

  /** The check gave no answer: the walk (started now if need be) goes to its end to give one. */
  function checkFailed(): void {
    checkGone = true;
    until?.runToEnd();
    if (!reach) void walk();
  }

  /**
   * What is missing, once the walk has ended: its own answer, or for a walk stopped at what attributing
   * needed, the check's (which it left running); were that stopped or failed, a whole walk answers.
   */
  async function missingAfter(walked: Walked): Promise<Missing> {
    if (!walked.partial) return walked;
    const found = checked && (await checked.catch(() => undefined));
    return found ?? walkReachable(options, refs, { rawUpTo: rawWalkBytes() });
  }

  /** Objects missing: the scan fails (requireComplete), or its stats say it is a partial audit. */
  function checkMissing(walked: Missing): void {
    if (walked.missingCount === 0) return;
    if (options.requireComplete) {
      until?.abandon();
      throw missingError(walked, shape);
    }
    stats.incomplete = true;
    stats.missing ??= missingObjects(walked, shape);
  }

  /** The blobs after a listing, pulled (the pipeline takes `each` where it can). */
  async function* items(): AsyncGenerator<ContentItem> {
    // A pipe made for the unlisted read is not needed here: readInThread makes its own as it reads.
    await (await readsUnlisted())?.remove();
    const listed = await prepare();
    await checkBeforeBlocking();
    if (missing) throw missing;
    const total = listed.blobs.length;
    const totalBytes = listed.blobs.bytes;
    let done = 0;
    let bytes = 0;
    const highWater = options.readAhead ?? 16 * 1024 * 1024;
    const readers = Math.max(1, Math.min(options.readers ?? defaultReaders(), 8));
    const yielding = options.sharedThread === true;
    for await (const object of readInThread(options, listed.blobs, { readers, highWater, yielding })) {
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
    const pipesFor = (workers: number) => (fifos ??= makeFifos(workers, fifoMaker(options)));
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
          // While git's check runs beside the reading, the readers go below it: the scan workers (this
          // process's threads) come first, then the check, then the readers. Else the check, starved while
          // they read, ran alone at the end with a core idle (2M blobs: the reading ended at 24.4 s, the
          // check at 35.0 s; with the readers niced as the check, 25.4 and 28.9 s; READER_NICENESS).
          const checking = checkStarted && !stopCheck.signal.aborted;
          const niceness = checking ? READER_NICENESS : undefined;
          return historyWork(options, listed.blobs, workers, (await pipesFor(workers))?.paths, niceness);
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
        if (failure !== undefined) {
          until?.abandon();
          throw failure;
        }
      },
    };
  }

  async function resolve(findings: Finding[], hints: ResolveHints = {}): Promise<Finding[]> {
    const blobs = new Set(findings.map((f) => f.path));
    withFindings = blobs;
    if (walkSince) {
      const resolved = await resolveSince(findings, blobs, hints);
      if (resolved) return resolved;
      await walkEverything();
    }
    if (blobs.size === 0 && !reach) {
      await walkedAll();
      resolvedOrigins = new Map();
      return [];
    }
    const walking = walk();
    // Blobs no ref reaches are traced among the commits no ref reaches, a walk of its own: begun now when
    // the reachability walk is still running (a re-audit with --store reaches here in seconds), and
    // stopped if that walk then says every blob with a finding is reachable.
    const early = walkDone ? undefined : traceUnreachableEarly([...blobs]);
    // The scan has ended: every blob with a finding is known, and the walk need go no further than them.
    until?.stopOnceMet(blobs);
    const walked = await walking.catch((error: unknown) => {
      early?.stop();
      throw error;
    });
    // What is missing, asked now: a walk stopped early leaves that to the check, still running.
    const missingNow = missingAfter(walked);
    missingNow.catch(() => {}); // awaited below, once the places are known
    // One pass over the walk for all of them. Reachable blobs: the walk met each after the oldest commit
    // that held it. Only those a ref to a blob or tree alone reaches have none (a path, at most).
    const places = await walked.locate([...blobs]);
    const origins = new Map<string, RecordedOrigin>();
    const rest: string[] = [];
    for (const oid of blobs) {
      const place = places.get(oid);
      if (place) origins.set(oid, originAt(oid, place));
      else rest.push(oid);
    }
    // What is missing is known first: whether every blob was scanned decides how "at HEAD" is answered.
    checkMissing(await missingNow);
    // Three independent questions, asked side by side (git does the work, one process each).
    const [people, unreachableOrigins, atHead] = await Promise.all([
      commitPeople(options, commitsOf(origins)),
      traceUnreachable(rest, early),
      secretsAtHead(options, findings, atHeadOptions(hints)),
    ]);
    for (const oid of rest) {
      const traced = unreachableOrigins.get(oid);
      origins.set(oid, traced ? tracedOrigin(oid, traced) : unplaced(oid));
    }
    return applyOrigins(findings, origins, people, atHead);
  }

  /**
   * Resolve for an audit that takes the last record: a blob the last audit saw reachable keeps its
   * origin (the refs still reach every commit it walked from, and a commit made since comes after its
   * introducing one); the walk since names where new blobs, and old ones no ref reached before, are
   * reached now; the others are traced among the new commits no ref reaches. A new blob with a finding
   * found nowhere there may sit in an older unreachable commit: undefined, and the caller resolves as a
   * full audit does (once: the next record holds the answer).
   */
  async function resolveSince(
    findings: Finding[],
    blobs: Set<string>,
    hints: ResolveHints,
  ): Promise<Finding[] | undefined> {
    // Which secrets are at HEAD needs only the findings: asked at once (git grep is most of a re-audit).
    const atHead = secretsAtHead(options, findings, atHeadOptions(hints));
    atHead.catch(() => {}); // awaited below
    const walked = await walk();
    checkMissing(walked);
    const recorded = new Map(since!.last.origins.map((origin) => [origin.oid, origin]));
    const places = await walked.locate([...blobs]);
    const origins = new Map<string, RecordedOrigin>();
    // Blobs no ref reaches with no commit known: a new commit no ref reaches may hold them.
    const open: string[] = [];
    for (const oid of blobs) {
      const old = recorded.get(oid);
      const place = places.get(oid);
      // An older origin wins: a commit made since comes after it.
      if (old?.reachable || (old?.commit !== undefined && !place)) origins.set(oid, old);
      else if (place) origins.set(oid, originAt(oid, place));
      else open.push(oid);
    }
    const newCommits = since!.listed?.listed.commits;
    if (open.length > 0 && newCommits && newCommits.length > 0) {
      const ids = Array.from({ length: newCommits.length }, (_, i) => newCommits.oid(i));
      const reached = await walked.locate(ids);
      const unreachable = ids.filter((oid) => !reached.has(oid));
      const traced = await traceAmong(options, unreachable, open, refs.revs);
      for (const [oid, found] of traced) origins.set(oid, tracedOrigin(oid, found));
    }
    for (const oid of open) {
      const old = recorded.get(oid);
      if (!origins.has(oid) && old) origins.set(oid, old);
    }
    if (open.some((oid) => !origins.has(oid))) return undefined;
    // Recorded and traced origins carry their commit's author and date: only new places are asked.
    const people = await commitPeople(options, commitsOf(origins));
    return applyOrigins(findings, origins, people, await atHead);
  }

  /** Leaves the record's walk for a full one, listing the commits a trace among unreachable ones needs. */
  async function walkEverything(): Promise<void> {
    walkSince = false;
    const walking = reach;
    reach = undefined;
    walkDone = false;
    await walking?.catch(() => {});
    commits = (await listBlobs(options, { accept: () => false })).commits;
  }

  function atHeadOptions(hints: ResolveHints) {
    return {
      scannedAll: listedAll && !stats.incomplete,
      ...(hints.standsAlone ? { standsAlone: hints.standsAlone } : {}),
    };
  }

  /**
   * The findings with their blobs' origins: path, reachable, commit, author, date, present at HEAD. An
   * origin without its commit's author and date takes them from `people` (none there: no commit is named).
   */
  function applyOrigins(
    findings: Finding[],
    origins: Map<string, RecordedOrigin>,
    people: Map<string, { author: string; date: string }>,
    atHead: Set<string>,
  ): Finding[] {
    const complete = new Map<string, RecordedOrigin>();
    for (const [oid, origin] of origins) {
      const who =
        origin.commit === undefined || origin.author !== undefined ? undefined : people.get(origin.commit);
      complete.set(oid, who ? { ...origin, author: who.author, date: who.date } : origin);
    }
    resolvedOrigins = complete;
    return findings.map((finding) => {
      const oid = finding.path;
      const origin = complete.get(oid);
      const path = origin?.path;
      const resolved: Finding = {
        ...finding,
        path: path ?? oid,
        reachable: origin?.reachable === true,
        presentAtHead: atHead.has(finding.secret),
      };
      if (origin?.commit !== undefined && origin.author !== undefined && origin.date !== undefined)
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

  /**
   * What the next audit may take from this one (`recording`): undefined unless this audit listed the whole
   * store (or all since the last record) and read all of it, with nothing missing or borrowed.
   */
  function record(): HistoryRecord | undefined {
    if (!now || !resolvedOrigins || stats.incomplete || now.files.alternates || now.width === 0)
      return undefined;
    const counts = since?.listed
      ? {
          commits: since.last.packed.commits + since.listed.newPacked.commits,
          tooLarge: since.last.packed.tooLarge + since.listed.newPacked.tooLarge,
        }
      : packed;
    if (!counts) return undefined;
    return {
      width: now.width,
      tips: now.tips,
      aside: now.aside,
      packs: now.files.packs,
      packed: counts,
      origins: [...resolvedOrigins.values()],
    };
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
    found(blobId) {
      if (blobId !== undefined) {
        foundBlobs.add(blobId);
        until?.want(blobId);
      }
      if (foundAny) return;
      foundAny = true;
      // After the checks: the walk needs the refs they resolve. Its failure is resolve's to report.
      begin()
        .then(walk)
        .catch(() => {});
    },
    cleanBlobs,
    record,
    stats: () => stats,
  };
}

/** A trace of unreachable blobs begun early (see traceUnreachableEarly). */
interface EarlyTrace {
  traced: Promise<Map<string, BlobOrigin>>;
  stop(): void;
}

/** A walk's place for a blob it met: reachable, with the commit and path where it knows them. */
function originAt(oid: string, place: { commit?: string; path?: string }): RecordedOrigin {
  return {
    oid,
    reachable: true,
    ...(place.commit !== undefined && place.path !== undefined ? { commit: place.commit } : {}),
    ...(place.path !== undefined ? { path: place.path } : {}),
  };
}

/** A blob no ref reaches, found in a commit no ref reaches (traceAmong). */
function tracedOrigin(oid: string, traced: BlobOrigin): RecordedOrigin {
  const { commit, path, author, date } = traced;
  return { oid, reachable: false, commit, path, author, date };
}

/** A blob no ref reaches and no commit holds (written by `git add` or `hash-object`, never committed). */
function unplaced(oid: string): RecordedOrigin {
  return { oid, reachable: false };
}

/** The commits the origins name without their author and date, each once. */
function commitsOf(origins: Map<string, RecordedOrigin>): string[] {
  const unknown = [...origins.values()].filter((o) => o.commit !== undefined && o.author === undefined);
  return [...new Set(unknown.map((o) => o.commit!))];
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

function describeScan(options: HistoryOptions, blobs: number, known = 0, since = false): string {
  const what = options.refs && options.refs.length > 0 ? options.refs.join(', ') : 'all objects';
  const shard = options.shard ? `, shard ${options.shard.index}/${options.shard.count}` : '';
  const before = since ? '; the packs the last audit listed not listed again' : '';
  const skipped = options.known ? `; ${known} known clean in the store, not read${before}` : before;
  return `${what}${shard} (${blobs} blob${blobs === 1 ? '' : 's'}${skipped})`;
}
