import { setPriority } from 'node:os';
import { startGit, type GitContext } from '../git/exec.js';
import type { WalkRefs } from './reachable.js';

/**
 * Below the scan's own processes: the check runs beside the listing and the reading and is wanted only at
 * the end, so it takes the cores they leave (os.setPriority's niceness: 0 normal, 19 lowest).
 */
const CHECK_NICENESS = 10;

/**
 * Whether every object the refs reach is in the store: git's own connectivity check (`rev-list --objects
 * --quiet`, which prints nothing and fails on the first object it lacks). It reads every tree as the
 * reachability walk does, but prints and keeps nothing: on the 1-million-blob history it took 7.7 s of
 * git's CPU where the walk took 11.6 s plus this process's parsing. An audit with nothing to attribute
 * needs no more than this answer (issue 18); a false one sends the caller to the walk, which names what
 * is missing (or fails the way the walk fails, for a store git cannot read). Once the walk runs anyway
 * (a finding to attribute), the check is stopped through `signal`: the walk answers the same question.
 */
export async function isConnected(
  context: GitContext,
  refs: WalkRefs,
  signal?: AbortSignal,
): Promise<boolean> {
  const aside = refs.aside ?? [];
  const args = [
    'rev-list',
    '--objects',
    '--quiet',
    ...aside.map((ref) => `--exclude=${ref}`),
    // Options such as --all stay in argv (older git reads only revisions from stdin).
    ...refs.revs.filter((rev) => rev.startsWith('-')),
    '--stdin',
  ];
  const input = [...refs.revs.filter((rev) => !rev.startsWith('-')), ...aside];
  const { child, exited } = startGit(args, context, input.map((line) => `${line}\n`).join(''));
  if (child.pid !== undefined) {
    try {
      setPriority(child.pid, CHECK_NICENESS);
    } catch {
      // Not permitted here: it runs at the scan's priority.
    }
  }
  // Stopped (the walk started, which finds what is missing too): git is killed, and the answer is no.
  const stop = () => child.kill();
  signal?.addEventListener('abort', stop, { once: true });
  if (signal?.aborted) stop();
  child.stdout.resume();
  const code = await exited;
  signal?.removeEventListener('abort', stop);
  return code === 0 && !signal?.aborted;
}
