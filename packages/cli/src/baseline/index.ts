export {
  DEFAULT_BASELINE_FILE,
  baselineOf,
  parseBaseline,
  readBaseline,
  serializeBaseline,
  type Baseline,
  type BaselineEntry,
} from './format.js';
export { applyBaseline, applyBaselineFile, pruneBaseline, type BaselineResult } from './apply.js';
