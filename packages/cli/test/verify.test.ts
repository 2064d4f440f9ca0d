import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { run } from '@keyward/cli';
import { fakeKey, runCli, tempDir } from '@keyward/test-utils';
import {
  json,
  openAiError,
  startFakeProvider,
  type FakeProvider,
} from '../../verifier/test/fake-provider.js';

const LIVE = fakeKey('openai-project', 41);
const DEAD = fakeKey('openai-svcacct', 42);
const BLOCKED = fakeKey('openai-project', 43);
const ADMIN = fakeKey('openai-admin', 44);

/** A fake OpenAI on 127.0.0.1 that knows each test key by its bearer header. */
let openai: FakeProvider;
beforeAll(async () => {
  openai = await startFakeProvider((req, res) => {
    const auth = req.headers.authorization;
    if (auth === `Bearer ${LIVE}` || auth === `Bearer ${ADMIN}`) {
      if (req.url?.startsWith('/v1/batches'))
        return openAiError(res, 403, null, 'Missing scopes: api.batch.read');
      return json(res, 200, { object: 'list', data: [] });
    }
    if (auth === `Bearer ${DEAD}`)
      return openAiError(res, 401, 'invalid_api_key', 'Incorrect API key provided');
    return openAiError(res, 401, null, 'IP not authorized for this project');
  });
});
afterAll(() => openai.close());

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const env = () => ({ KEYWARD_OPENAI_BASE_URL: openai.url });
const verify = (argv: string[], stdin?: string, extraEnv: Record<string, string> = {}) =>
  runCli(['verify', ...argv], {
    cwd: dir,
    env: { ...env(), ...extraEnv },
    ...(stdin !== undefined ? { stdin } : {}),
  });
const noSecrets = (text: string) => {
  for (const key of [LIVE, DEAD, BLOCKED, ADMIN]) expect(text).not.toContain(key);
};

describe('keyward verify (stdin)', () => {
  it('prints one redacted line per key and exits 1 when any key is live', async () => {
    const r = await verify([], `${LIVE}\n\n# a comment\n${DEAD}\n${BLOCKED}\n${LIVE}\n`);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      new RegExp(`^live +sk-proj-…${LIVE.slice(-4)}  openai-project-key  <stdin>:1 \\(\\+1\\)  ok: `),
    );
    expect(lines[1]).toMatch(
      /^invalid +sk-svcacct-…\S{4} {2}openai-service-account-key {2}<stdin>:4 {2}invalid_api_key: /,
    );
    expect(lines[2]).toMatch(/^unknown +sk-proj-…\S{4} .* ip_not_allowed: /);
    expect(r.stderr).toContain(
      `keyward: sending openai keys to ${openai.url}/v1 (set by KEYWARD_OPENAI_BASE_URL)`,
    );
    expect(r.stderr).toMatch(/3 keys checked: 1 live, 1 unknown, 1 invalid/);
    noSecrets(r.stdout + r.stderr);
  });

  it('exits 0 when every key is invalid, 3 when none is live but some are undecided', async () => {
    expect((await verify([], `${DEAD}\n`)).code).toBe(0);
    expect((await verify([], `${DEAD}\n${BLOCKED}\n`)).code).toBe(3);
  });

  it('--format json writes the §3 report with verification filled in; --reveal adds the secret', async () => {
    const r = await verify(['--format', 'json'], `${LIVE}\n${DEAD}\n`);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ version: 1, tool: { name: 'keyward' }, scan: { mode: 'stdin' } });
    expect(report.findings).toHaveLength(2);
    expect(report.findings[0]).toMatchObject({
      ruleId: 'openai-project-key',
      severity: 'high',
      path: '<stdin>',
      line: 1,
      column: 1,
      endColumn: LIVE.length + 1,
      redacted: `sk-proj-…${LIVE.slice(-4)}`,
      verification: { status: 'live', reason: 'ok' },
    });
    expect(report.findings[0].fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(report.findings[1].verification).toMatchObject({ status: 'invalid', reason: 'invalid_api_key' });
    noSecrets(r.stdout);
    const revealed = JSON.parse((await verify(['--format', 'json', '--reveal'], `${LIVE}\n`)).stdout);
    expect(revealed.findings[0].secret).toBe(LIVE);
  });

  it('--only-live and --results narrow the output, not the exit code', async () => {
    const live = await verify(['--only-live'], `${LIVE}\n${DEAD}\n${BLOCKED}\n`);
    expect(live.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(live.stdout).toMatch(/^live /);
    const some = await verify(['--results', 'invalid,unknown'], `${LIVE}\n${DEAD}\n${BLOCKED}\n`);
    expect(some.code).toBe(1);
    expect(
      some.stdout
        .trimEnd()
        .split('\n')
        .map((l) => l.split(' ')[0]),
    ).toEqual(['invalid', 'unknown']);
  });

  it('--blast-radius adds what a live key can reach', async () => {
    const r = await verify(['--blast-radius'], `${LIVE}\n`);
    expect(r.stdout).toContain(
      'reach: models, files, fine_tuning, vector_stores, assistants reachable; batches denied; inference unknown',
    );
    const report = JSON.parse((await verify(['--blast-radius', '--format', 'json'], `${ADMIN}\n`)).stdout);
    expect(report.findings[0].severity).toBe('critical');
    expect(report.findings[0].verification.reach).toEqual({
      admin_keys: 'reachable',
      projects: 'reachable',
      users: 'reachable',
    });
  });

  it('reports a line that is no known key as unknown without sending it anywhere', async () => {
    const before = openai.requests.length;
    const r = await verify([], 'hello-this-is-not-a-key-1234567890\n');
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^unknown .* generic-secret .* unsupported: not a key shape keyward recognises/);
    expect(openai.requests.length).toBe(before);
  });

  it('writes --output with mode 0600', async () => {
    const r = await verify(['--reveal', '--format', 'json', '--output', 'out.json'], `${LIVE}\n`);
    expect(r.stdout).toBe('');
    const file = join(dir, 'out.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).findings[0].secret).toBe(LIVE);
  });
});

describe('keyward verify --from <report>', () => {
  const finding = (secret: string | undefined, path: string, line: number) => ({
    ruleId: 'openai-project-key',
    severity: 'high',
    confidence: 'high',
    path,
    line,
    column: 5,
    endLine: line,
    endColumn: 169,
    redacted: 'sk-proj-…abcd',
    ...(secret ? { secret } : {}),
    fingerprint: `fp-${path}-${line}`,
    commit: 'a'.repeat(40),
  });
  const writeReport = (findings: unknown[]) =>
    writeFileSync(
      join(dir, 'report.json'),
      JSON.stringify({
        version: 1,
        tool: { name: 'keyward', version: '0.1.0' },
        scan: { mode: 'history' },
        findings,
      }),
    );

  it('checks each distinct key of a --reveal report once and fills in verification', async () => {
    writeReport([finding(LIVE, 'a.ts', 1), finding(BLOCKED, 'b.ts', 2), finding(LIVE, 'c.ts', 3)]);
    const before = openai.requests.length;
    const r = await verify(['--from', 'report.json', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(openai.requests.length - before).toBe(2);
    const report = JSON.parse(r.stdout);
    expect(report.scan).toEqual({ mode: 'history' });
    expect(
      report.findings.map((f: { path: string; verification: { status: string } }) => [
        f.path,
        f.verification.status,
      ]),
    ).toEqual([
      ['a.ts', 'live'],
      ['b.ts', 'unknown'],
      ['c.ts', 'live'],
    ]);
    expect(report.findings[0]).toMatchObject({
      commit: 'a'.repeat(40),
      redacted: `sk-proj-…${LIVE.slice(-4)}`,
    });
    noSecrets(r.stdout);
    const text = await verify(['--from', 'report.json']);
    expect(text.stdout).toContain('a.ts:1 (+1)');
  });

  it('a report without secrets is an error that says how to write one', async () => {
    writeReport([finding(undefined, 'a.ts', 1)]);
    const r = await verify(['--from', 'report.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('write it with --reveal');
  });

  it('an unreadable or malformed report exits 2 without echoing its content', async () => {
    writeFileSync(join(dir, 'bad.json'), `{"findings": [${LIVE}`);
    const r = await verify(['--from', 'bad.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not valid JSON');
    noSecrets(r.stderr);
    expect((await verify(['--from', 'missing.json'])).stderr).toContain('ENOENT');
  });
});

describe('keyward verify refuses unsafe input', () => {
  it('never takes keys from argv, and never echoes them', async () => {
    for (const argv of [[LIVE], ['--only-live', LIVE], ['--no-such-flag', LIVE]]) {
      const r = await verify(argv, '');
      expect(r.code).toBe(2);
      noSecrets(r.stdout + r.stderr);
    }
    expect((await verify([LIVE], '')).stderr).toContain('never taken from the command line');
  });

  it('asks for input instead of waiting on a terminal', async () => {
    let stderr = '';
    const stdin = Object.assign(Readable.from([]), { isTTY: true });
    const code = await run(['verify'], {
      stdout: { write: () => true },
      stderr: { write: (chunk: string | Uint8Array) => (stderr += chunk.toString()) },
      stdin,
      env: env(),
      cwd: dir,
    });
    expect(code).toBe(2);
    expect(stderr).toContain('pipe them on stdin');
  });

  it('refuses an unusable base URL before sending anything', async () => {
    const before = openai.requests.length;
    const r = await verify([], `${LIVE}\n`, { KEYWARD_OPENAI_BASE_URL: 'http://attacker.example.com' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('KEYWARD_OPENAI_BASE_URL: plain http is allowed for loopback hosts only');
    expect(openai.requests.length).toBe(before);
  });

  it('--base-url on the command line wins over the environment and is announced', async () => {
    const r = await verify(['--base-url', `openai=${openai.url}/v1`], `${LIVE}\n`, {
      KEYWARD_OPENAI_BASE_URL: 'https://unused.example.com',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`sending openai keys to ${openai.url}/v1 (set by --base-url)`);
  });

  it('rejects a bad --results list', async () => {
    const r = await verify(['--results', 'verified'], `${LIVE}\n`);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--results');
  });
});
