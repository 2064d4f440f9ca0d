import type { SimpleGit } from 'simple-git';
import { SourceError } from '../errors.js';
import { firstMeaningfulLine, gitEnv, gitFailure, NEUTRAL_CONFIG, runGit, type GitContext } from './exec.js';

/**
 * simple-git refuses environment variables that could run programs (EDITOR, PAGER, GIT_SSH_COMMAND…) or
 * move config (GIT_CONFIG_GLOBAL…), to protect callers that pass untrusted input. Ours is the user's own
 * environment, which must reach git unchanged (a hook's GIT_DIR, GIT_INDEX_FILE, config overrides), and our
 * arguments are fixed or resolved object ids; the queries run no editor, pager, ssh or diff driver.
 */
const USER_ENVIRONMENT = {
  allowUnsafeAskPass: true,
  allowUnsafeConfigPaths: true,
  allowUnsafeConfigEnvCount: true,
  allowUnsafeEditor: true,
  allowUnsafePager: true,
  allowUnsafeSshCommand: true,
  allowUnsafeGitProxy: true,
  allowUnsafeDiffExternal: true,
  allowUnsafeTemplateDir: true,
};

/**
 * Small repository questions (rev-parse, config, for-each-ref) asked through simple-git. Its module is
 * loaded on first use: importing it costs ~40-60 ms, a third of the pre-commit budget, so the staged path,
 * which needs no queries, never loads it. Output is trimmed; failures become SourceErrors.
 *
 * `direct`: ask git itself, one spawn per question, the same answers without simple-git. The history
 * scan asks this way: its first questions gate everything after them, and simple-git (loading, then
 * each call) put ~100 ms before git could start listing a 3,000-commit history (measured).
 */
export class RepoQuery {
  private git: Promise<SimpleGit> | undefined;

  constructor(
    private readonly context: GitContext,
    private readonly options: { direct?: boolean } = {},
  ) {}

  /** Runs git and returns its trimmed stdout (simple-git resolves a silent non-zero exit as ''). */
  async raw(args: string[]): Promise<string> {
    if (this.options.direct) return this.direct(args);
    const git = await this.client();
    try {
      return (await git.raw([...NEUTRAL_CONFIG, ...args])).trim();
    } catch (error) {
      throw this.failure(args, error);
    }
  }

  /** The commit a revision names, or undefined when it cannot be resolved. */
  async commitOf(rev: string): Promise<string | undefined> {
    const out = await this.raw(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]);
    return out === '' ? undefined : out;
  }

  async isShallow(): Promise<boolean> {
    return (await this.raw(['rev-parse', '--is-shallow-repository'])) === 'true';
  }

  /** Whether the clone is shallow, and a path inside the git directory: one git call for both. */
  async shallowAndGitPath(name: string): Promise<{ shallow: boolean; path: string }> {
    const out = await this.raw([
      'rev-parse',
      '--is-shallow-repository',
      '--path-format=absolute',
      '--git-path',
      name,
    ]);
    const nl = out.indexOf('\n');
    return { shallow: out.slice(0, nl) === 'true', path: out.slice(nl + 1) };
  }

  /** A path inside the git directory (worktree-aware), absolute. */
  async gitPath(name: string): Promise<string> {
    return this.raw(['rev-parse', '--path-format=absolute', '--git-path', name]);
  }

  /** Every value of config keys matching a regex, as [key, value] pairs. */
  async configMatching(pattern: string): Promise<Array<[string, string]>> {
    const out = await this.raw(['config', '--null', '--get-regexp', pattern]);
    return out
      .split('\0')
      .filter((record) => record.length > 0)
      .map((record) => {
        const nl = record.indexOf('\n');
        return nl === -1 ? [record, ''] : [record.slice(0, nl), record.slice(nl + 1)];
      });
  }

  /** Whether any ref matches one of the patterns (`refs/remotes/origin/`). */
  async hasRefs(pattern: string): Promise<boolean> {
    return (await this.raw(['for-each-ref', '--count=1', '--format=%(refname)', pattern])) !== '';
  }

  private client(): Promise<SimpleGit> {
    this.git ??= import('simple-git').then(({ simpleGit }) =>
      simpleGit({ baseDir: this.context.cwd, trimmed: false, unsafe: USER_ENVIRONMENT }).env(
        gitEnv(this.context.env) as Record<string, string>,
      ),
    );
    return this.git.catch((error: unknown) => {
      throw this.failure(['rev-parse'], error);
    });
  }

  private async direct(args: string[]): Promise<string> {
    const result = await runGit(args, this.context, { allowFail: true });
    if (result.code !== 0 && result.stderr.trim() !== '')
      throw gitFailure(args, this.context, result.stderr, result.code);
    return result.code === 0 ? result.stdout.toString('utf8').trim() : '';
  }

  private failure(args: string[], error: unknown): SourceError {
    const message = error instanceof Error ? error.message : String(error);
    if (/ENOENT/.test(message) && /spawn/.test(message)) return new SourceError('E_GIT_MISSING', {});
    if (
      /not a git repository|does not exist|Cannot use simple-git on a directory that does not exist/i.test(
        message,
      )
    ) {
      return new SourceError('E_NOT_A_REPO', { path: this.context.cwd });
    }
    const command = args.find((a) => !a.startsWith('-')) ?? 'git';
    return new SourceError('E_GIT_FAILED', { command, reason: firstMeaningfulLine(message) ?? message });
  }
}
