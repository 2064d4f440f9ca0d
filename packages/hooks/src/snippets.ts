import { launcherLines, plainHookLines } from './launcher.js';
import { lefthookSnippet } from './managers/lefthook.js';
import { ALL_FILES_GLOBS, LINT_STAGED_COMMAND } from './managers/lint-staged.js';
import { preCommitSnippet } from './managers/pre-commit.js';
import type { HookName, Manager } from './types.js';

/**
 * What `keyward install --print <manager>` prints: the lines install would add, for teams that prefer to
 * edit their configuration by hand. Returns undefined for a combination that does not exist (lint-staged
 * runs only at pre-commit).
 */
export function snippet(manager: Manager, hook: HookName): string | undefined {
  const text = (lines: string[]) => lines.join('\n') + '\n';
  switch (manager) {
    case 'plain':
      return text([
        `# save as $(git rev-parse --git-path hooks)/${hook} and make it executable`,
        ...plainHookLines(hook),
      ]);
    case 'husky':
      return text([
        `# add to .husky/${hook}`,
        ...launcherLines(hook, hook === 'pre-commit' ? 'staged' : 'pre-push-stdin'),
      ]);
    case 'lefthook':
      return text(['# add to lefthook.yml', ...lefthookSnippet(hook)]);
    case 'pre-commit':
      return text(['# add under `repos:` in .pre-commit-config.yaml', ...preCommitSnippet(hook)]);
    case 'lint-staged':
      if (hook !== 'pre-commit') return undefined;
      return text([
        '// add to the lint-staged configuration (package.json "lint-staged", .lintstagedrc, ...)',
        `"${ALL_FILES_GLOBS[0]}": "${LINT_STAGED_COMMAND}"`,
      ]);
  }
}
