import { runGit, type GitContext } from '../git/exec.js';
import { BlobList, listObjects, type ListedObjects, type ListFilter } from './blob-list.js';
import { packIds, type ObjectFiles } from './object-files.js';
import { revListOver, type WalkRefs } from './reachable.js';

/**
 * Where a blob with a finding came from, as an audit resolved it: places in the history, never a secret
 * (the blob is read and judged again by every audit).
 */
export interface RecordedOrigin {
  oid: string;
  reachable: boolean;
  /** The commit that introduced it (none: a blob no commit holds, or one only a tag on a tree reaches). */
  commit?: string;
  path?: string;
  /** The commit's author and date (a commit's id is a hash of them: they never change). */
  author?: string;
  date?: string;
}

/**
 * What an audit of the whole object store leaves for the next one (`--store`): the commits it walked
 * from, the packs it listed (a pack's name is the hash of its contents: the same name is the same
 * objects) and where each blob with a finding came from. The next audit lists only objects outside
 * those packs, walks only what the refs reach beyond those commits, and takes the recorded origins for
 * the rest, when newSince says every old answer still stands.
 */
export interface HistoryRecord {
  /** Bytes an object id: 20 (SHA-1) or 32 (SHA-256). */
  width: number;
  /** The commits the refs named (HEAD and stash entries too): what the audit's walk started from. */
  tips: string[];
  /** Refs naming no commit (a tag on a blob or a tree), each `<name> <id>`. */
  aside: string[];
  /** The packs listed: every object in them was read, or known clean, or over the size cap. */
  packs: string[];
  /** In those packs: the commits, and the blobs over the size cap (counted, never read). */
  packed: { commits: number; tooLarge: number };
  /** Every blob with a finding, reported or suppressed. */
  origins: RecordedOrigin[];
}

/** The store and refs as an audit finds them: what a record is checked against, and the next one holds. */
export interface StoreNow {
  width: number;
  tips: string[];
  aside: string[];
  files: ObjectFiles;
}

/**
 * The commits HEAD and every ref name, peeled (`rev-list --no-walk --all`: no history read; refs naming
 * no commit are passed by): what `--all` walks from. Asked beside the listing of the refs.
 */
export async function refTips(context: GitContext): Promise<string[]> {
  const tips = await runGit(['rev-list', '--no-walk=unsorted', '--all'], context);
  return tips.stdout
    .toString('latin1')
    .split('\n')
    .filter((line) => line !== '');
}

/** The store and refs as found: `tips` (refTips) and the stash entries the refs add to them. */
export function storeNow(tips: string[], refs: WalkRefs, files: ObjectFiles): StoreNow {
  const stashes = refs.revs.filter((rev) => !rev.startsWith('-'));
  const all = [...new Set([...tips, ...stashes])].sort();
  return { width: (all[0]?.length ?? 0) / 2, tips: all, aside: refs.asideIds ?? [], files };
}

/**
 * Whether the last audit's answers still stand, and if so the ids of the objects in packs new since:
 * the same kind of ids; every pack it listed still there (so every object it read is too); no objects
 * borrowed from another store; the refs naming no commit unchanged; and every commit it walked from
 * still reached by the refs (nothing it saw reachable became unreachable: a force-push or a deleted
 * branch fails this). `rev-list <old tips> --not <refs>` prints nothing then, and reads only the
 * commits between (git.git, 1,006 tips: ~50 ms). Undefined when anything fails: a full audit.
 */
export async function newSince(
  context: GitContext,
  record: HistoryRecord,
  now: StoreNow,
  refs: WalkRefs,
  packDir: string,
): Promise<string[] | undefined> {
  if (record.width !== now.width || now.width === 0 || now.files.alternates) return undefined;
  const packs = new Set(now.files.packs);
  if (!record.packs.every((pack) => packs.has(pack))) return undefined;
  if (record.aside.join('\n') !== now.aside.join('\n')) return undefined;
  const negated = refs.revs.map((rev) => (rev.startsWith('-') ? rev : `^${rev}`));
  const { args, input } = revListOver({ ...refs, revs: ['--not', ...negated] }, ['--max-count=1']);
  const lost = await runGit(args, context, {
    allowFail: true,
    input: [...record.tips, ...input].map((line) => `${line}\n`).join(''),
  });
  if (lost.code !== 0 || lost.stdout.length > 0) return undefined;
  const old = new Set(record.packs);
  const ids: string[] = [];
  for (const pack of now.files.packs) {
    if (old.has(pack)) continue;
    const held = await packIds(packDir, pack, now.width);
    if (!held) return undefined;
    for (const oid of held) ids.push(oid);
  }
  return ids;
}

/** What an incremental audit lists, and the counts its record carries on. */
export interface ListedSince {
  listed: ListedObjects;
  /** Of the listed, in the new packs: commits and blobs over the size cap. */
  newPacked: { commits: number; tooLarge: number };
}

/**
 * The objects an incremental audit lists: those of the new packs, the loose ones (listed every time:
 * they may be packed later), and the blobs that had findings (read and judged again every time).
 * `accept` (the store's clean blobs left out) applies to the first two.
 */
export async function listSince(
  context: GitContext,
  record: HistoryRecord,
  files: ObjectFiles,
  newPacked: string[],
  filter: ListFilter,
): Promise<ListedSince> {
  const listed: ListedObjects = { blobs: new BlobList(), commits: new BlobList(), tooLarge: 0 };
  await listObjects(context, newPacked, listed, filter);
  const packed = { commits: listed.commits.length, tooLarge: listed.tooLarge };
  const seen = new Set([...newPacked, ...files.loose]);
  const again = new Set(record.origins.map((origin) => origin.oid).filter((oid) => !seen.has(oid)));
  const known = filter.accept;
  // One listing for both (a process less): the blobs with findings pass the store's filter.
  await listObjects(context, [...files.loose, ...again], listed, {
    ...filter,
    accept: (oid) => again.has(oid) || !known || known(oid),
  });
  return { listed, newPacked: packed };
}
