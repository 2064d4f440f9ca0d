import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { planTeddy, teddyCandidateRate, teddyPlanFromData } from '@keyward/core';
import { loadConfig } from '../src/config/load.js';
import { buildScanner } from '../src/scan/rules.js';
import { tempDir } from '@keyward/test-utils';

// Made by scripts/bundle.mjs (`pnpm build`), shipped in the package beside the chunks.
const PLAN = fileURLToPath(new URL('../bundle/teddy-plan.json', import.meta.url));

describe('the prefilter plan shipped in the bundle', () => {
  it('is a plan for exactly the anchors a scan with the default config uses', async () => {
    const plan = teddyPlanFromData(JSON.parse(readFileSync(PLAN, 'utf8')));
    expect(plan).toBeDefined();
    const scanner = buildScanner(await loadConfig({ cwd: tempDir() }));
    expect(plan!.literals).toEqual(scanner.ruleSet.automaton.anchors);
  });

  it('is the one the bundled code finds beside itself (read by directory, not by a URL built at run time)', async () => {
    const bundle = dirname(PLAN);
    const chunk = readdirSync(bundle).find((name) => /^hook-path-.*\.cjs$/.test(name));
    expect(chunk).toBeDefined();
    const { bundledAnchorPlan } = createRequire(import.meta.url)(join(bundle, chunk!)) as {
      bundledAnchorPlan: () => { literals: readonly string[] } | undefined;
    };
    const scanner = buildScanner(await loadConfig({ cwd: tempDir() }));
    expect(bundledAnchorPlan()?.literals).toEqual(scanner.ruleSet.automaton.anchors);
  });

  it('is refined on real text: fewer candidates than the model’s plan on this repository’s own sources', () => {
    const plan = teddyPlanFromData(JSON.parse(readFileSync(PLAN, 'utf8')))!;
    const model = planTeddy(plan.literals);
    // Text the build did not train on (it reads the TypeScript compiler): keyward's own scanner and sources.
    const sample = new Uint8Array(
      Buffer.concat(
        ['../../core/src/scanner.ts', '../../core/src/generic.ts', '../../sources/src/history.ts'].map(
          (file) => readFileSync(fileURLToPath(new URL(file, import.meta.url))),
        ),
      ),
    );
    expect(teddyCandidateRate(plan, sample)).toBeLessThan(0.9 * teddyCandidateRate(model, sample));
  });
});
