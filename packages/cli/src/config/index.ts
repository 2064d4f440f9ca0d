export { loadConfig, parseConfigFile, type LoadConfigOptions } from './load.js';
export { applyConfigToRules, isAllowedByConfig } from './apply.js';
export { findConfigFile } from './find.js';
export { parseSize } from './size.js';
export { validateConfig } from './validate.js';
export {
  CONFIG_FILE_NAMES,
  type CustomRule,
  type ResolvedConfig,
  type RuleOverride,
  type VerifyConfig,
} from './types.js';
