import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GIT_ENV, createRepo, fakeKey, tempDir, type TempRepo } from '@keyward/test-utils';

// The real bin runs the bundle (scripts/bundle.mjs), as a pre-commit hook does.
const BIN = fileURLToPath(new URL('../bin/keyward.js', import.meta.url));

/** What the pre-commit path must never load: each name is defined only by code it does not use. */
const NOT_ON_HOOK_PATH: Record<string, RegExp> = {
  history: /function historySource\(/,
  range: /function rangeSource\(/,
  verifier: /function applyVerification\(/,
  yargs: /from\s*["']yargs["']/,
  sarif: /function sarifReporter\(/,
  html: /function htmlReporter\(/,
  worktree: /function worktreeSource\(/,
  workers: /class WorkerPool\b|WorkerPool = class\b/,
};

let repo: TempRepo;
let logDir: string;
beforeAll(() => {
  repo = createRepo();
  repo.commit('base', { 'src/app.ts': 'export const app = 1;\n' });
  logDir = tempDir();
});
afterAll(() => repo.cleanup());

/** Runs `keyward scan --staged` with a loader hook that lists every module file it loads. */
function stagedScan(): { code: number; loaded: string[] } {
  const log = join(logDir, `loaded-${Date.now()}.txt`);
  const hook = join(logDir, 'log-hook.mjs');
  writeFileSync(
    hook,
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (result.url.startsWith('file:')) appendFileSync(${JSON.stringify(log)}, result.url + '\\n');
  return result;
}`,
  );
  const register = join(logDir, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`,
  );
  let code = 0;
  try {
    execFileSync(process.execPath, ['--import', pathToFileURL(register).href, BIN, 'scan', '--staged'], {
      cwd: repo.dir,
      env: { ...process.env, ...GIT_ENV, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    code = (error as { status: number }).status;
  }
  const loaded = [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))]
    .map((url) => fileURLToPath(url))
    .filter((path) => path !== BIN && path !== hook && path !== register);
  return { code, loaded };
}

describe('the pre-commit path (scan --staged)', () => {
  it('loads a few bundle files and none of the history, verifier, yargs or other reporters', () => {
    repo.write({ 'src/app.ts': `export const app = 1;\nconst key = "${fakeKey('openai-project', 7)}";\n` });
    repo.git('add', 'src/app.ts');
    const { code, loaded } = stagedScan();
    expect(code).toBe(1); // the staged key was found: the path really scanned
    expect(loaded.every((path) => path.includes(`${join('packages', 'cli', 'bundle')}`))).toBe(true);
    // Measured: main.js, the hook-path chunk and a few shared chunks; 65 modules before bundling.
    expect(loaded.length).toBeLessThanOrEqual(8);
    const source = loaded.map((path) => readFileSync(path, 'utf8')).join('\n');
    const bundle = dirname(loaded[0]!);
    const everything = readdirSync(bundle)
      .map((name) => readFileSync(join(bundle, name), 'utf8'))
      .join('\n');
    for (const [what, definition] of Object.entries(NOT_ON_HOOK_PATH)) {
      expect(definition.test(everything), `${what} code is in the bundle`).toBe(true);
      expect(definition.test(source), `${what} code on the hook path`).toBe(false);
    }
  });
});
