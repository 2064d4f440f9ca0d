import { StringDecoder } from 'node:string_decoder';
import { gitFailure, spawnFailure, spawnGit, type GitContext } from '../git/exec.js';
import { OidMap } from '../git/oid-map.js';

export interface Reachability {
  /** Blobs reachable from the walked refs, each with the index of a path it has (in `paths`). */
  blobs: OidMap;
  paths: string[];
  /** Objects the walk needed but the repository does not have (first few, and how many in all). */
  missing: string[];
  missingCount: number;
}

/** Stands for "no path": an object a ref names directly (a tag on a blob), or a commit. */
const NO_PATH = 0xffffffff;

/** A path a reachable blob has (the first one the walk met, from the newest commits down). */
export function pathOf(reach: Reachability, oid: string): string | undefined {
  const index = reach.blobs.get(oid);
  return index === undefined || index === NO_PATH ? undefined : reach.paths[index];
}

/**
 * Walks every object reachable from `revs` once (`git rev-list --objects`), keeping each blob id with a
 * path it has, in a compact map, and noting each object that should be there but is not
 * (`--missing=print`): a repository with a missing object is not a complete history. One pass answers
 * "is this blob reachable, and where?" for every finding and "is anything missing?" for the whole scan.
 * Object ids go on stdin (stash entries can be many).
 */
export async function walkReachable(context: GitContext, revs: string[]): Promise<Reachability> {
  const args = [
    'rev-list',
    '--objects',
    '--missing=print',
    '--filter=object:type=blob',
    // Options such as --all stay in argv (older git reads only revisions from stdin).
    ...revs.filter((rev) => rev.startsWith('-')),
    '--stdin',
  ];
  const child = spawnGit(args, context);
  child.stdin.on('error', () => {});
  child.stdin.end(
    revs
      .filter((rev) => !rev.startsWith('-'))
      .map((rev) => `${rev}\n`)
      .join(''),
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', (error) => reject(spawnFailure(error, args, context)));
    child.on('close', (code) => resolve(code ?? 1));
  });
  const result: Reachability = { blobs: new OidMap(1 << 16), paths: [], missing: [], missingCount: 0 };
  const pathIndex = new Map<string, number>();
  const take = (line: string) => {
    if (line.startsWith('?')) {
      result.missingCount++;
      if (result.missing.length < 5) result.missing.push(line.slice(1));
      return;
    }
    const space = line.indexOf(' ');
    // Without a path: a commit (the filter drops trees only) or a blob a tag names directly. Both are
    // kept, as reachable without a path; no blob lookup ever asks for a commit's id.
    if (space === -1) {
      if (line.length > 0 && !result.blobs.has(line)) result.blobs.set(line, NO_PATH);
      return;
    }
    const path = line.slice(space + 1);
    let index = pathIndex.get(path);
    if (index === undefined) {
      index = result.paths.length;
      result.paths.push(path);
      pathIndex.set(path, index);
    }
    result.blobs.set(line.slice(0, space), index);
  };
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    const lines = (rest + decoder.write(chunk)).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) take(line);
  }
  take(rest + decoder.end());
  const code = await exited;
  if (code !== 0) throw gitFailure(args, context, stderr, code);
  return result;
}
