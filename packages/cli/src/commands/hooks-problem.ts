import type { Problem } from '@keyward/hooks';
import { KeywardError } from '../errors.js';
import type { ErrorCode } from '../messages.js';

/** The hooks package returns expected failures as values (husky-style); the CLI states them as errors. */
const CODES: Record<Problem['code'], ErrorCode> = {
  'git-missing': 'E_HOOKS_GIT_MISSING',
  'git-failed': 'E_GIT_FAILED',
  'not-a-repo': 'E_NOT_A_REPO',
  'bare-repo': 'E_HOOKS_BARE_REPO',
  'husky-internal': 'E_HOOKS_HUSKY_INTERNAL',
  'shared-hooks-dir': 'E_HOOKS_SHARED_DIR',
  'hook-not-executable': 'E_HOOKS_NOT_EXECUTABLE',
  'manager-missing': 'E_HOOKS_MANAGER_MISSING',
  'manager-hook-unsupported': 'E_HOOKS_MANAGER_HOOK',
  'config-unsupported': 'E_HOOKS_CONFIG_UNSUPPORTED',
  'config-parse': 'E_HOOKS_CONFIG_PARSE',
  'write-failed': 'E_HOOKS_WRITE',
  'state-unreadable': 'E_HOOKS_STATE',
  'changed-since-install': 'E_HOOKS_CHANGED',
  'chained-blocked': 'E_HOOKS_CHAINED_BLOCKED',
};

export function hooksError(problem: Problem): KeywardError {
  return new KeywardError(CODES[problem.code], problem.data);
}
