import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tempDir } from '@keyward/test-utils/git';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SCRIPT = join(ROOT, 'scripts/action/run-scan.sh');
const made: string[] = [];
afterEach(() => made.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/**
 * Runs the action's scan step with a stand-in for keyward that records each call's argv (one JSON array
 * a line) and exits with STUB_EXIT (0 under --exit-zero; STUB_EXIT_SARIF, if set, for the SARIF call).
 * With `npx`, the stand-in is an `npx` first on PATH and KEYWARD_COMMAND is unset (the Action's default
 * path), so the recorded argv starts with npx's own arguments.
 */
function runStep(env: Record<string, string>, { npx = false } = {}) {
  const dir = tempDir();
  made.push(dir);
  const calls = join(dir, 'calls');
  const output = join(dir, 'output');
  const stub = join(dir, 'keyward-stub.mjs');
  writeFileSync(
    stub,
    [
      "import { appendFileSync } from 'node:fs';",
      'const argv = process.argv.slice(2);',
      `appendFileSync(${JSON.stringify(calls)}, JSON.stringify(argv) + '\\n');`,
      "const sarif = argv.includes('sarif');",
      "const plain = argv.includes('--exit-zero') ? 0 : Number(process.env.STUB_EXIT ?? 0);",
      'process.exitCode = sarif && process.env.STUB_EXIT_SARIF ? Number(process.env.STUB_EXIT_SARIF) : plain;',
    ].join('\n'),
  );
  chmodSync(stub, 0o755);
  writeFileSync(calls, '');
  writeFileSync(output, '');
  let path = process.env.PATH ?? '';
  const command: Record<string, string> = {};
  if (npx) {
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'npx'), `#!/bin/sh\nexec node ${JSON.stringify(stub)} "$@"\n`, {
      mode: 0o755,
    });
    path = `${join(dir, 'bin')}:${path}`;
  } else {
    command.KEYWARD_COMMAND = `node ${stub}`;
  }
  const result = spawnSync('bash', [SCRIPT], {
    cwd: dir,
    env: { PATH: path, GITHUB_OUTPUT: output, ...command, ...env },
    encoding: 'utf8',
  });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    calls: readFileSync(calls, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as string[]),
    outputs: Object.fromEntries(
      readFileSync(output, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(/=(.*)/s).slice(0, 2)),
    ),
  };
}

describe('the action scan step (scripts/action/run-scan.sh)', () => {
  it('scans the resolved range with the github format and records the exit code', () => {
    const r = runStep({
      KEYWARD_MODE: 'range',
      KEYWARD_RANGE: 'aaa..bbb',
      KEYWARD_FAIL_ON: 'high',
      STUB_EXIT: '1',
    });
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([['scan', '--range', 'aaa..bbb', '--fail-on', 'high', '--format', 'github']]);
    expect(r.outputs).toEqual({ 'exit-code': '1' });
  });

  it('adds a SARIF run (never failing on findings) when asked, after a completed scan', () => {
    const r = runStep({
      KEYWARD_MODE: 'history',
      KEYWARD_SARIF: 'true',
      KEYWARD_BASELINE: '.keyward-baseline.json',
      STUB_EXIT: '1',
    });
    expect(r.calls).toEqual([
      ['scan', '--history', '--baseline', '.keyward-baseline.json', '--format', 'github'],
      [
        'scan',
        '--history',
        '--baseline',
        '.keyward-baseline.json',
        '--format',
        'sarif',
        '--output',
        'keyward.sarif',
        '--exit-zero',
        '--quiet',
      ],
    ]);
    expect(r.outputs).toEqual({ 'exit-code': '1', 'sarif-file': 'keyward.sarif' });
  });

  it('uploads no SARIF from an incomplete scan (exit 3)', () => {
    const r = runStep({
      KEYWARD_MODE: 'range',
      KEYWARD_RANGE: 'a..b',
      KEYWARD_SARIF: 'true',
      STUB_EXIT: '3',
    });
    expect(r.calls).toHaveLength(1);
    expect(r.outputs).toEqual({ 'exit-code': '3' });
  });

  it('fails the step (exit-code 2) when the SARIF run breaks', () => {
    const r = runStep({
      KEYWARD_MODE: 'worktree',
      KEYWARD_SARIF: 'true',
      STUB_EXIT: '0',
      STUB_EXIT_SARIF: '2',
    });
    expect(r.outputs['exit-code']).toBe('2');
    expect(r.outputs).not.toHaveProperty('sarif-file');
  });

  it('splits extra args on whitespace without globbing or evaluating them', () => {
    const r = runStep({
      KEYWARD_MODE: 'worktree',
      KEYWARD_ARGS: '--config  ci/k.json * $(touch pwned) `id`',
    });
    expect(r.calls[0]).toEqual([
      'scan',
      '--config',
      'ci/k.json',
      '*',
      '$(touch',
      'pwned)',
      '`id`',
      '--format',
      'github',
    ]);
  });

  it('scans nothing for a deleted branch, and rejects an unknown mode', () => {
    const none = runStep({ KEYWARD_MODE: 'none' });
    expect(none.calls).toEqual([]);
    expect(none.outputs).toEqual({ 'exit-code': '0' });
    const bad = runStep({ KEYWARD_MODE: 'everything' });
    expect(bad.calls).toEqual([]);
    expect(bad.outputs).toEqual({ 'exit-code': '2' });
    expect(bad.stderr).toContain("unknown mode 'everything'");
  });
});

describe('which keyward the scan step runs', () => {
  /** An Action checkout (GITHUB_ACTION_PATH) whose package.json says `version`. */
  function actionPath(version: string | undefined): string {
    const dir = tempDir();
    made.push(dir);
    mkdirSync(join(dir, 'packages', 'cli'), { recursive: true });
    if (version !== undefined) {
      writeFileSync(
        join(dir, 'packages', 'cli', 'package.json'),
        JSON.stringify({ name: 'keyward', version }),
      );
    }
    return dir;
  }

  it("runs the Action's own version from npm by default, never `latest`", () => {
    const r = runStep(
      { KEYWARD_MODE: 'worktree', GITHUB_ACTION_PATH: actionPath('1.2.3-rc.1') },
      { npx: true },
    );
    expect(r.calls).toEqual([['--yes', 'keyward@1.2.3-rc.1', 'scan', '--format', 'github']]);
    expect(r.outputs).toEqual({ 'exit-code': '0' });
  });

  it("the checkout's own version: packages/cli/package.json", () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8'));
    const r = runStep({ KEYWARD_MODE: 'worktree', GITHUB_ACTION_PATH: ROOT }, { npx: true });
    expect(r.calls[0]!.slice(0, 3)).toEqual(['--yes', `keyward@${version}`, 'scan']);
  });

  it('the version input wins (a version or a dist-tag)', () => {
    for (const version of ['0.9.0', 'latest']) {
      const r = runStep(
        { KEYWARD_MODE: 'worktree', KEYWARD_VERSION: version, GITHUB_ACTION_PATH: actionPath('1.2.3') },
        { npx: true },
      );
      expect(r.calls[0]!.slice(0, 2)).toEqual(['--yes', `keyward@${version}`]);
    }
  });

  it('an Action checkout without a readable version: exit-code 2, nothing run', () => {
    for (const path of [actionPath(undefined), actionPath('not a version')]) {
      const r = runStep({ KEYWARD_MODE: 'worktree', GITHUB_ACTION_PATH: path }, { npx: true });
      expect(r.calls).toEqual([]);
      expect(r.outputs).toEqual({ 'exit-code': '2' });
      expect(r.stderr).toContain("keyward: cannot read the Action's version from");
    }
  });
});

describe('action.yml', () => {
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8'));
  const steps: Array<Record<string, unknown>> = action.runs.steps;

  it('is a composite action whose scripts exist', () => {
    expect(action.runs.using).toBe('composite');
    for (const script of ['scripts/action/resolve-range.mjs', 'scripts/action/run-scan.sh']) {
      expect(steps.some((s) => String(s.run ?? '').includes(script))).toBe(true);
      expect(() => readFileSync(join(ROOT, script))).not.toThrow();
    }
  });

  it('never puts an expression inside a script (event data goes through env)', () => {
    for (const step of steps) if (step.run !== undefined) expect(String(step.run)).not.toContain('${{');
  });

  it('fails the job with keyward’s exit code after the SARIF upload', () => {
    const last = steps.at(-1)!;
    expect(last.run).toBe('exit "${KEYWARD_EXIT:-2}"');
    const upload = steps.findIndex((s) =>
      String(s.uses ?? '').startsWith('github/codeql-action/upload-sarif@'),
    );
    expect(upload).toBeGreaterThan(steps.findIndex((s) => s.id === 'scan'));
    expect(String(steps[upload]!.if)).toContain('always()');
  });
});
