import { readFileSync } from 'node:fs';
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
    read = teddyPlanFromData(JSON.parse(readFileSync(new URL('./teddy-plan.json', import.meta.url), 'utf8')));
  } catch {
    read = undefined;
  }
  return read;
}
