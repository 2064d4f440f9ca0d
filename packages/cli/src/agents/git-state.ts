import { execFile } from 'node:child_process';
import { relative, sep } from 'node:path';

export type GitState = 'tracked' | 'staged' | 'untracked' | 'ignored' | 'none';

/**
 * Git's view of each file (absolute paths): `staged` when the index holds a change to it not yet
 * committed, `tracked` when committed, `ignored` when an ignore rule covers it, `untracked` when a
 * `git add .` would take it, `none` outside a repository. Three git processes, whatever the file count.
 */
export async function gitStates(
  files: readonly string[],
  cwd: string,
  env: Record<string, string | undefined>,
): Promise<Map<string, GitState>> {
  const states = new Map<string, GitState>();
  if (files.length === 0) return states;
  const git = (args: string[], input?: string) => runGit(args, cwd, env, input);
  const top = await git(['rev-parse', '--show-toplevel']);
  if (top === undefined) {
    for (const file of files) states.set(file, 'none');
    return states;
  }
  const root = top.trim();
  const inRepo = files.filter((file) => !relative(root, file).startsWith('..'));
  const rel = new Map(inRepo.map((file) => [relative(root, file).split(sep).join('/'), file]));
  const names = [...rel.keys()];
  const run = (args: string[], input?: string) => runGit(args, root, env, input);
  const [cached, staged, ignored] = await Promise.all([
    run(['ls-files', '-z', '--cached', '--', ...names]),
    run(['diff', '--cached', '--name-only', '--no-renames', '-z', '--', ...names]),
    run(['check-ignore', '-z', '--stdin'], names.join('\0') + '\0'),
  ]);
  const set = (out: string | undefined) => new Set((out ?? '').split('\0').filter(Boolean));
  const [cachedSet, stagedSet, ignoredSet] = [set(cached), set(staged), set(ignored)];
  for (const file of files) states.set(file, 'none');
  for (const [name, file] of rel) {
    states.set(
      file,
      stagedSet.has(name)
        ? 'staged'
        : cachedSet.has(name)
          ? 'tracked'
          : ignoredSet.has(name)
            ? 'ignored'
            : 'untracked',
    );
  }
  return states;
}

/** Stdout of a git command, or undefined when it failed (check-ignore exits 1 when nothing is ignored). */
function runGit(
  args: string[],
  cwd: string,
  env: Record<string, string | undefined>,
  input?: string,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = execFile(
      'git',
      args,
      { cwd, env: { ...env, LC_ALL: 'C', GIT_OPTIONAL_LOCKS: '0' }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout) => {
        const code = (error as { code?: unknown } | null)?.code;
        resolve(error && !(args[0] === 'check-ignore' && code === 1) ? undefined : stdout);
      },
    );
    child.stdin?.on('error', () => {});
    child.stdin?.end(input ?? '');
  });
}
