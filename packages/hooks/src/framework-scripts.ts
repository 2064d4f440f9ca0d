import { launcherLines } from './launcher.js';
import type { HookName } from './types.js';

/**
 * The scripts keyward's own `.pre-commit-hooks.yaml` runs (`language: script`) for teams that reference
 * keyward as a `repo:` of the pre-commit framework. They are the same launcher as every other set-up, and
 * pass the hook's `args:` on to `keyward scan`. Committed under packages/hooks/scripts/; a test keeps them
 * equal to what this module generates.
 */
export const FRAMEWORK_SCRIPTS: Record<HookName, string> = {
  'pre-commit': 'packages/hooks/scripts/pre-commit.sh',
  'pre-push': 'packages/hooks/scripts/pre-push.sh',
};

export function frameworkScript(hook: HookName): string {
  const lines = [
    '#!/bin/sh',
    `# keyward's ${hook} hook for the pre-commit framework (see .pre-commit-hooks.yaml at the repository root).`,
    '# Generated from packages/hooks/src/launcher.ts; do not edit by hand.',
    ...launcherLines(hook, hook === 'pre-commit' ? 'staged' : 'pre-push-pre-commit', { forwardArgs: true }),
  ];
  return lines.join('\n') + '\n';
}
