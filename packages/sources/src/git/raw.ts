/**
 * git's `--raw -z` diff records (diff --cached, diff-tree, log), including combined records for merges
 * (`-c`: one colon, mode and object id per parent).
 */

export const MODE_FILE = '100644';
export const MODE_EXECUTABLE = '100755';
export const MODE_SYMLINK = '120000';
export const MODE_GITLINK = '160000';

/** The side of a change before it, one per parent for a merge. */
export interface RawSide {
  mode: string;
  oid: string;
}

export interface RawEntry {
  /** Status letter(s): A, C, D, M, R, T, U, X; one letter per parent for a combined record. */
  status: string;
  /** Path after the change (the destination of a rename or copy). */
  path: string;
  /** Source path of a rename or copy. */
  srcPath?: string;
  mode: string;
  oid: string;
  /** What each parent had at the path (or at `srcPath`); mode `000000` where it had nothing. */
  parents: RawSide[];
}

/** A header token such as `:100644 100644 <old> <new> M`: how many paths follow and the parsed fields. */
export function parseRawMeta(token: string): { entry: Omit<RawEntry, 'path'>; paths: 1 | 2 } | undefined {
  let colons = 0;
  while (token.charCodeAt(colons) === 58 /* : */) colons++;
  if (colons === 0) return undefined;
  const fields = token.slice(colons).split(' ');
  // colons parents: colons+1 modes, colons+1 ids, then the status.
  if (fields.length !== 2 * (colons + 1) + 1) return undefined;
  const modes = fields.slice(0, colons + 1);
  const oids = fields.slice(colons + 1, 2 * (colons + 1));
  const status = fields[fields.length - 1] ?? '';
  const parents: RawSide[] = [];
  for (let i = 0; i < colons; i++) parents.push({ mode: modes[i] ?? '', oid: oids[i] ?? '' });
  const entry = { status, mode: modes[colons] ?? '', oid: oids[colons] ?? '', parents };
  const letter = status[0];
  return { entry, paths: colons === 1 && (letter === 'R' || letter === 'C') ? 2 : 1 };
}

/** Parses a whole `--raw -z` output (no commit headers), e.g. `git diff --cached --raw -z`. */
export function parseRawOutput(output: string): RawEntry[] {
  const tokens = output.split('\0');
  const entries: RawEntry[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = (tokens[i] ?? '').replace(/^\n+/, '');
    if (token === '') continue;
    const meta = parseRawMeta(token);
    if (meta === undefined)
      throw new Error(`unexpected git diff output near ${JSON.stringify(token.slice(0, 40))}`);
    if (meta.paths === 2) {
      entries.push({ ...meta.entry, srcPath: tokens[i + 1] ?? '', path: tokens[i + 2] ?? '' });
      i += 2;
    } else {
      entries.push({ ...meta.entry, path: tokens[i + 1] ?? '' });
      i += 1;
    }
  }
  return entries;
}

/** An all-zero object id (SHA-1 or SHA-256): "nothing" in raw diffs and pre-push lines. */
export function isZeroOid(oid: string): boolean {
  return /^0+$/.test(oid);
}

/** True for regular files (the only entries with text to scan); symlinks and submodules are not. */
export function isRegularMode(mode: string): boolean {
  return mode === MODE_FILE || mode === MODE_EXECUTABLE || mode === '100664';
}

/** Symlinks and submodules: skipped and counted as links. */
export function isLinkMode(mode: string): boolean {
  return mode === MODE_SYMLINK || mode === MODE_GITLINK;
}
