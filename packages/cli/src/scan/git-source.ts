import type { ContentItem } from '@keyward/core';
import type { ParallelPlan, ScanSource } from '@keyward/sources';
import { isSourceError } from '@keyward/sources/errors';
import type { ProgressListener } from '@keyward/sources/progress';
import { KeywardError } from '../errors.js';
import type { ErrorCode } from '../messages.js';
import type { SourceContext } from './select-source.js';

export type GitMode = 'staged' | 'range' | 'pre-push' | 'history' | 'stdin';

/**
 * The sources behind `--staged`, `--range`/`--since`, `--pre-push`, `--history` and `--stdin`. Each mode
 * imports only its own source module (the pre-commit path loads no history, range or progress code).
 * Errors the sources throw (SourceError) become KeywardErrors with the same code, so they print one line
 * from the messages table and exit with its code.
 */
export async function gitSource(mode: GitMode, context: SourceContext): Promise<ScanSource> {
  try {
    return guard(await build(mode, context));
  } catch (error) {
    throw asKeywardError(error);
  }
}

async function build(
  mode: GitMode,
  { args, io, config, maxSize, known, recording, sharedThread }: SourceContext,
): Promise<ScanSource> {
  const git = { cwd: io.cwd, env: io.env as NodeJS.ProcessEnv };
  const ignore = mode === 'stdin' ? undefined : await ignoreFor(args, config);
  const ignoring = ignore ? { ignore } : {};
  switch (mode) {
    case 'staged': {
      const { stagedSource } = await import('@keyward/sources/staged');
      return stagedSource({ ...git, ...ignoring, paths: args.paths ?? [], maxBlobSize: maxSize });
    }
    case 'range': {
      const { rangeSource } = await import('@keyward/sources/range');
      const progress = await progressFor({ args, io }, 'range');
      const spec = typeof args.range === 'string' ? { range: args.range } : { since: String(args.since) };
      return withProgress(
        rangeSource({
          ...git,
          ...spec,
          maxBlobSize: maxSize,
          ...progress.option,
          ...(args['require-complete'] === true ? { requireComplete: true } : {}),
        }),
        progress,
      );
    }
    case 'pre-push': {
      // Under the pre-commit framework (`language: node`, entry `keyward scan --pre-push`), git's lines were
      // read by pre-commit, which exports the pushed refs instead (PRE_COMMIT_FROM_REF…): see preCommitPush.
      const { prePushSource, preCommitPush } = await import('@keyward/sources/pre-push');
      const preCommit = preCommitPush(io.env);
      // A terminal is no hook's stdin: with the framework's refs at hand, never wait for typed lines.
      const terminal = (io.stdin as { isTTY?: boolean }).isTTY === true;
      const stdinLines = preCommit && terminal ? '' : await readAll(io.stdin);
      const remote = args.paths?.[0];
      return prePushSource({
        ...git,
        ...ignoring,
        stdinLines,
        maxBlobSize: maxSize,
        ...(remote ? { remote } : {}),
        ...(preCommit ? { preCommit } : {}),
      });
    }
    case 'history': {
      const { historySource, parseShard } = await import('@keyward/sources/history');
      const progress = await progressFor({ args, io }, 'history');
      const branches = Array.isArray(args.branch) ? args.branch.map(String) : [];
      return withProgress(
        historySource({
          ...git,
          ...ignoring,
          maxBlobSize: maxSize,
          ...(branches.length > 0 ? { refs: branches } : {}),
          ...(typeof args.shard === 'string' ? { shard: parseShard(args.shard) } : {}),
          ...(args['require-complete'] === true ? { requireComplete: true } : {}),
          ...(known ? { known } : {}),
          ...(recording ? { recording } : {}),
          ...(sharedThread ? { sharedThread } : {}),
          // --jobs: how many cat-file readers share the blobs (default: see HistoryOptions.readers).
          ...(typeof args.jobs === 'number' && args.jobs >= 1 ? { readers: Math.floor(args.jobs) } : {}),
          ...progress.option,
        }),
        progress,
      );
    }
    case 'stdin': {
      const { stdinSource } = await import('@keyward/sources/stdin');
      const name = args['stdin-name'];
      return stdinSource({
        stream: io.stdin as AsyncIterable<Uint8Array | string>,
        maxSize,
        ...(typeof name === 'string' && name !== '' ? { name } : {}),
      });
    }
  }
}

/**
 * What the git modes leave out: the config's `ignorePaths` and every `.keywardignore` on a path's way down
 * from the top level (read from the working tree, as the worktree scan does), unless `--no-ignore`.
 */
async function ignoreFor(
  args: SourceContext['args'],
  config: SourceContext['config'],
): Promise<((path: string) => boolean) | undefined> {
  if (args.ignore === false) return undefined;
  const { RepoPathIgnore } = await import('@keyward/sources/ignore-rules');
  const rules = new RepoPathIgnore(config.repoRoot ?? config.baseDir, {
    baseDir: config.baseDir,
    patterns: config.ignorePaths,
  });
  return (path) => rules.ignores(path);
}

interface Progress {
  option: { onProgress?: ProgressListener };
  stop: () => void;
}

/** A progress line on stderr when it is a terminal and this is not CI; nothing otherwise. */
async function progressFor(
  { args, io }: Pick<SourceContext, 'args' | 'io'>,
  label: string,
): Promise<Progress> {
  if (args.quiet === true) return { option: {}, stop: () => {} };
  const { createProgress, wantsProgress } = await import('@keyward/sources/progress');
  if (!wantsProgress(io.stderr as { write(chunk: string): unknown; isTTY?: boolean }, io.env)) {
    return { option: {}, stop: () => {} };
  }
  const progress = createProgress(io.stderr as { write(chunk: string): unknown }, label);
  return { option: { onProgress: progress.update }, stop: progress.stop };
}

/** Erases the progress line once the items are read, or the workers stopped (the summary line comes next). */
function withProgress(source: ScanSource, progress: Progress): ScanSource {
  const items = source.items.bind(source);
  const each = source.each?.bind(source);
  const parallel = source.parallel?.bind(source);
  return Object.assign(Object.create(source) as ScanSource, {
    async *items() {
      try {
        yield* items();
      } finally {
        progress.stop();
      }
    },
    ...(each
      ? {
          async each(take: (item: ContentItem) => void) {
            try {
              await each(take);
            } finally {
              progress.stop();
            }
          },
        }
      : {}),
    ...(parallel
      ? {
          parallel(): ParallelPlan {
            const plan = parallel();
            const finish = plan.finish?.bind(plan);
            return {
              ...plan,
              async finish(failure: unknown) {
                try {
                  await finish?.(failure);
                } finally {
                  progress.stop();
                }
              },
            };
          },
        }
      : {}),
  });
}

/** The same source, with SourceErrors turned into KeywardErrors wherever they are thrown. */
function guard(source: ScanSource): ScanSource {
  const items = source.items.bind(source);
  const each = source.each?.bind(source);
  const resolve = source.resolve?.bind(source);
  const parallel = source.parallel?.bind(source);
  const guarded = Object.create(source) as ScanSource;
  guarded.items = async function* () {
    try {
      yield* items();
    } catch (error) {
      throw asKeywardError(error);
    }
  };
  if (each) guarded.each = (take) => translated(() => each(take));
  if (resolve) guarded.resolve = (findings, hints) => translated(() => resolve(findings, hints));
  if (parallel) {
    guarded.parallel = () => {
      const plan = parallel();
      const early = plan.early?.bind(plan);
      const finish = plan.finish?.bind(plan);
      return {
        ...plan,
        ...(early ? { early: (workers: number) => translated(() => early(workers)) } : {}),
        work: (workers) => translated(async () => plan.work(workers)),
        ...(finish ? { finish: (failure: unknown) => translated(() => finish(failure)) } : {}),
      };
    };
  }
  return guarded;
}

async function translated<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw asKeywardError(error);
  }
}

function asKeywardError(error: unknown): unknown {
  return isSourceError(error) ? new KeywardError(error.code satisfies ErrorCode, error.data) : error;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream as AsyncIterable<Buffer | string>) text += chunk.toString();
  return text;
}
