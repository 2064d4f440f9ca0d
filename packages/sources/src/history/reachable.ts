import { StringDecoder } from 'node:string_decoder';
import { gitFailure, spawnFailure, spawnGit, type GitContext } from '../git/exec.js';
import { OidSet } from '../git/oid-set.js';

export interface Reachability {
  /** Blobs reachable from the walked refs. */
  blobs: OidSet;
  /** Objects the walk needed but the repository does not have (first few, and how many in all). */
  missing: string[];
  missingCount: number;
}

/**
 * Walks every object reachable from `revs` once (`git rev-list --objects`), keeping the blob ids in a
 * compact set, and noting each object that should be there but is not (`--missing=print`): a repository
 * with a missing object is not a complete history. One pass answers both "is this blob reachable?" for
 * every finding and "is anything missing?" for the whole scan. Revisions go on stdin (stash entries can
 * be many).
 */
export async function walkReachable(context: GitContext, revs: string[]): Promise<Reachability> {
  const args = [
    'rev-list',
    '--objects',
    '--no-object-names',
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
  const result: Reachability = { blobs: new OidSet(1 << 16), missing: [], missingCount: 0 };
  const decoder = new StringDecoder('latin1');
  let rest = '';
  const take = (line: string) => {
    if (line.startsWith('?')) {
      result.missingCount++;
      if (result.missing.length < 5) result.missing.push(line.slice(1));
    } else if (line.length > 0) {
      // Commits are listed too (the filter drops trees only); a commit id in the set is harmless.
      result.blobs.add(line);
    }
  };
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    const lines = (rest + decoder.write(chunk)).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) take(line);
  }
  take(rest);
  const code = await exited;
  if (code !== 0) throw gitFailure(args, context, stderr, code);
  return result;
}
