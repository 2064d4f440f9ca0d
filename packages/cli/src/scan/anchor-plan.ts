import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { teddyPlanFromData, type TeddyPlan } from '@keyward/core';

let read: TeddyPlan | undefined | null = null;

/**
 * The prefilter plan that scripts/bundle.mjs made for the built-in rules' anchors (`teddy-plan.json`
 * beside the bundle), read once per thread, when a scan first sets WASM up. Undefined outside the bundle
 * (tsc's dist/) or when the file is missing or damaged: the scanner then plans its own (20-30 ms).
 */
export function bundledAnchorPlan(): TeddyPlan | undefined {
  if (read !== null) return read;
  try {
    // By directory, not by URL: the bundle would turn import.meta.url into a URL built at run time (see
    // canRunWorkers in pipeline.ts).
    read = teddyPlanFromData(JSON.parse(readFileSync(join(import.meta.dirname, 'teddy-plan.json'), 'utf8')));
  } catch {
    read = undefined;
  }
  return read;
}
