/**
 * Start-up: `keyward --version` and a one-file staged scan in a small repository, against `node -e 0`
 * (the floor any Node CLI pays). Reported, not judged: the pre-commit bench holds the target.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEYWARD_BIN } from './lib/keyward.mjs';
import { benchDir } from './lib/paths.mjs';
import { sh } from './lib/proc.mjs';
import { repeatTimed } from './lib/repeat.mjs';
import { fmt, printTable } from './lib/table.mjs';

const GIT_ENV = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.test',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.test',
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
};

/** A two-commit-old repository with one modified file staged. */
function smallRepo() {
  const dir = benchDir('startup', 'repo');
  const git = (...args) => sh('git', args, { cwd: dir, env: GIT_ENV });
  if (!existsSync(join(dir, '.git'))) {
    git('init', '-q', '--initial-branch=main');
    writeFileSync(join(dir, 'index.ts'), "export const greeting = 'hello';\n");
    git('add', 'index.ts');
    git('commit', '-q', '-m', 'initial');
  }
  writeFileSync(
    join(dir, 'index.ts'),
    "export const greeting = 'hello';\nexport const target = process.env.TARGET ?? 'world';\n",
  );
  git('add', 'index.ts');
  return dir;
}

export async function startupBench(ctx) {
  const dir = smallRepo();
  const node = process.execPath;
  const timing = repeatTimed(
    [
      { name: 'node -e 0', argv: [node, '-e', '0'] },
      { name: 'keyward --version', argv: [node, KEYWARD_BIN, '--version'] },
      { name: 'keyward scan --staged (1 file)', argv: [node, KEYWARD_BIN, 'scan', '--staged'] },
    ],
    { cwd: dir, runs: ctx.quick ? 5 : 20, warmup: ctx.quick ? 1 : 3, tag: 'startup' },
  );
  const base = timing.results['node -e 0'];
  printTable(
    ctx.write,
    `Start-up (${timing.tool})`,
    ['command', 'median', 'p90', 'min', 'vs node -e 0'],
    Object.entries(timing.results).map(([name, r]) =>
      r.error
        ? [name, 'not available', r.error, '', '']
        : [name, fmt.s(r.median), fmt.s(r.p90), fmt.s(r.min), fmt.ratio(r.median / base.median)],
    ),
  );
  return { tool: timing.tool, results: timing.results, targets: [] };
}
