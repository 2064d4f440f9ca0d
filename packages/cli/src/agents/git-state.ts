import { execFile } from 'node:child_process';
import { relative, sep } from 'node:path';
import { localGitStates } from './git-local/index.js';

export type GitState = 'tracked' | 'staged' | 'untracked' | 'ignored' | 'none';

/**
 * Git's view of each file (absolute paths) in the repository at `root`: `staged` when the index holds a
 * change to it not yet committed, `tracked` when committed, `ignored` when an ignore rule covers it,
 * `untracked` when a `git add .` would take it; `none` outside the repository (or with no repository).
 * Read from the repository's files when they tell it plainly (git-local/), else one `git status` for all
 * of them: each git process costs ~10-20 ms to start, more than the audit itself.
 */
export async function gitStates(
  files: readonly string[],
  root: string | undefined,
  env: Record<string, string | undefined>,
  { local = true }: { local?: boolean } = {},
): Promise<Map<string, GitState>> {
  const states = new Map<string, GitState>(files.map((file) => [file, 'none']));
  if (root === undefined || files.length === 0) return states;
  const rel = new Map<string, string>();
  for (const file of files) {
    const path = relative(root, file);
    if (!path.startsWith('..') && path !== file) rel.set(path.split(sep).join('/'), file);
  }
  if (rel.size === 0) return states;
  const read = local ? localGitStates([...rel.keys()], root, env) : undefined;
  if (read) {
    for (const [path, state] of read) states.set(rel.get(path)!, state);
    return states;
  }
  const out = await runGit(
    [
      '--literal-pathspecs',
      'status',
      '--porcelain=v1',
      '-z',
      '--untracked-files=all',
      '--ignored=matching',
      '--no-renames',
      '--',
      ...rel.keys(),
    ],
    root,
    env,
  );
  if (out === undefined) return states;
  // Listed: `XY path`, X the index against HEAD. Not listed: tracked and unchanged.
  for (const file of rel.values()) states.set(file, 'tracked');
  for (const entry of out.split('\0')) {
    if (entry.length < 4) continue;
    const index = entry[0];
    const state =
      index === '!' ? 'ignored' : index === '?' ? 'untracked' : index !== ' ' ? 'staged' : 'tracked';
    const path = entry.slice(3);
    // `!! build/`: with --ignored=matching an ignored folder is listed once, for everything in it.
    const files = path.endsWith('/')
      ? [...rel].filter(([p]) => p.startsWith(path)).map(([, file]) => file)
      : [rel.get(path)].filter((file) => file !== undefined);
    for (const file of files) states.set(file, state);
  }
  return states;
}

/** Stdout of a git command, or undefined when it failed (no repository, no git). */
function runGit(
  args: string[],
  cwd: string,
  env: Record<string, string | undefined>,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = execFile(
      'git',
      args,
      { cwd, env: { ...env, LC_ALL: 'C', GIT_OPTIONAL_LOCKS: '0' }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout) => resolve(error ? undefined : stdout),
    );
    child.stdin?.end();
  });
}
