import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

// The anchor finder has a relaxed-SIMD build that V8 takes from 11.4 (Node 22); on older V8 (Node 20) the
// tests enable it, so that both builds are tested wherever the tests run (teddy-finder.test.ts).
const [v8Major = 0, v8Minor = 0] = process.versions.v8.split('.').map(Number);
const relaxedSimdFlag =
  v8Major < 11 || (v8Major === 11 && v8Minor < 4) ? ['--experimental-wasm-relaxed-simd'] : [];

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources of the workspace packages, not their build output.
    alias: [
      { find: /^@keyward\/test-utils$/, replacement: `${root}packages/test-utils/src/index.ts` },
      { find: /^@keyward\/([a-z-]+)$/, replacement: `${root}packages/$1/src/index.ts` },
      { find: /^@keyward\/([a-z-]+)\/(.+)$/, replacement: `${root}packages/$1/src/$2.ts` },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    execArgv: relaxedSimdFlag,
  },
});
