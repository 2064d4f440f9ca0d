import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GIT_ENV, createRepo, fakeKey, tempDir, type TempRepo } from '@keyward/test-utils';
import { recordBundleReads } from './bundle-reads.js';

// The real bin runs the bundle (scripts/bundle.mjs), as a pre-commit hook does.
const BIN = fileURLToPath(new URL('../bin/keyward.js', import.meta.url));

/** What the pre-commit path must never load: each name is defined only by code it does not use. */
const NOT_ON_HOOK_PATH: Record<string, RegExp> = {
  history: /function historySource\(/,
  range: /function rangeSource\(/,
  verifier: /function applyVerification\(/,
  // yargs is bundled (the package has no dependencies): its parser class, not an import, marks it.
  yargs: /\bYargsInstance = class\b|class YargsInstance\b/,
  sarif: /function sarifReporter\(/,
  html: /function htmlReporter\(/,
  worktree: /function worktreeSource\(/,
  workers: /class WorkerPool\b|WorkerPool = class\b/,
  // keyward agents and the parsers it alone uses (JSON with comments, TOML, dotenv).
  agents: /function runAgents\(/,
  'jsonc-parser': /function printParseErrorCode\(/,
  'smol-toml': /\bTomlError = class\b|class TomlError\b/,
  dotenv: /\bmodule\.exports\.parse = \w+/,
  // The YAML parser: only a repository with a .keyward.yml loads it (config/load.ts imports it then).
  yaml: /function parseDocument\(/,
};

let repo: TempRepo;
let logDir: string;
beforeAll(() => {
  repo = createRepo();
  repo.commit('base', { 'src/app.ts': 'export const app = 1;\n' });
  logDir = tempDir();
});
afterAll(() => repo.cleanup());

/** Runs `keyward scan --staged`, recording which bundle files it read. */
function stagedScan(dir = repo.dir): { code: number; loaded: string[] } {
  const reads = recordBundleReads(logDir);
  let code = 0;
  try {
    execFileSync(process.execPath, [...reads.execArgv, BIN, 'scan', '--staged'], {
      cwd: dir,
      env: { ...process.env, ...GIT_ENV, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    code = (error as { status: number }).status;
  }
  return { code, loaded: reads.read() };
}

describe('the pre-commit path (scan --staged)', () => {
  it('loads a few bundle files and none of the history, verifier, yargs or other reporters', () => {
    repo.write({ 'src/app.ts': `export const app = 1;\nconst key = "${fakeKey('openai-project', 7)}";\n` });
    repo.git('add', 'src/app.ts');
    const { code, loaded } = stagedScan();
    expect(code).toBe(1); // the staged key was found: the path really scanned
    expect(loaded.every((path) => path.includes(`${join('packages', 'cli', 'bundle')}`))).toBe(true);
    // Measured: main.cjs, the hook-path chunk and a few shared chunks; 65 modules before bundling.
    expect(loaded.length).toBeLessThanOrEqual(8);
    const source = loaded.map((path) => readFileSync(path, 'utf8')).join('\n');
    const bundle = dirname(loaded[0]!);
    const everything = readdirSync(bundle)
      .filter((name) => name.endsWith('.cjs'))
      .map((name) => readFileSync(join(bundle, name), 'utf8'))
      .join('\n');
    for (const [what, definition] of Object.entries(NOT_ON_HOOK_PATH)) {
      expect(definition.test(everything), `${what} code is in the bundle`).toBe(true);
      expect(definition.test(source), `${what} code on the hook path`).toBe(false);
    }
  });

  it('loads the YAML parser, from a chunk of its own, only when the repository has a .keyward.yml', () => {
    const yamlRepo = createRepo();
    try {
      yamlRepo.commit('base', { 'src/app.ts': 'export const app = 1;\n' });
      const key = `const key = "${fakeKey('openai-project', 8)}";\n`;
      yamlRepo.write({
        '.keyward.yml': 'rules:\n  openai-project-key: off # YAML the old hand parser handled too\n',
        'src/app.ts': `export const app = 1;\n${key}`,
        'fixtures/app.ts': `${key}`,
      });
      yamlRepo.git('add', 'src/app.ts', 'fixtures/app.ts');
      const off = stagedScan(yamlRepo.dir);
      expect(off.code).toBe(0); // the config was read: its rule switch applied
      const source = off.loaded.map((path) => readFileSync(path, 'utf8')).join('\n');
      expect(source).toMatch(/function parseDocument\(/);
      expect(off.loaded.length).toBeLessThanOrEqual(9);
      // A block scalar, which the old hand parser left to the yaml package: only fixtures/ is staged now.
      yamlRepo.git('reset', '-q', '--', 'src/app.ts');
      yamlRepo.write({ '.keyward.yml': 'ignorePaths:\n  - >-\n    fixtures/\n' });
      expect(stagedScan(yamlRepo.dir).code).toBe(0);
      yamlRepo.write({ '.keyward.yml': 'ignorePaths:\n  - >-\n    other/\n' });
      expect(stagedScan(yamlRepo.dir).code).toBe(1);
    } finally {
      yamlRepo.cleanup();
    }
  });
});
