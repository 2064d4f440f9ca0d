export { install, type InstallOptions } from './install.js';
export { uninstall, type UninstallOptions } from './uninstall.js';
export { snippet } from './snippets.js';
export { unifiedDiff } from './diff.js';
export { launcherLines, plainHookLines, type ScanStyle } from './launcher.js';
export { statePath } from './state.js';
export {
  HOOK_NAMES,
  MANAGERS,
  isProblem,
  type FileChange,
  type HookName,
  type HookOutcome,
  type InstallResult,
  type Manager,
  type Problem,
  type ProblemCode,
  type RestoreAction,
  type UninstallResult,
} from './types.js';
