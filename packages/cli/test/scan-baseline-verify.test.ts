import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeKey, runCli, tempDir } from '@keyward/test-utils';
import {
  json,
  openAiError,
  startFakeProvider,
  type FakeProvider,
} from '../../verifier/test/fake-provider.js';

const LIVE = fakeKey('openai-project', 51);
const DEAD = fakeKey('openai-legacy', 52);
const NEW = fakeKey('openai-admin', 53);

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('scan --baseline', () => {
  it('round-trips: baseline → clean scan; a new key → only it is reported', async () => {
    writeFileSync(join(dir, 'a.env'), `OPENAI_API_KEY=${LIVE}\nLEGACY=${DEAD}\n`);
    expect((await runCli(['baseline'], { cwd: dir })).code).toBe(0);
    const clean = await runCli(['scan', '--baseline', '.keyward-baseline.json'], { cwd: dir });
    expect(clean.code).toBe(0);
    expect(clean.stderr).toMatch(/2 baseline/);

    writeFileSync(join(dir, 'b.yml'), `admin: ${NEW}\n`);
    const fresh = await runCli(['scan', '--baseline', '.keyward-baseline.json', '--format', 'json'], {
      cwd: dir,
    });
    expect(fresh.code).toBe(1);
    expect(JSON.parse(fresh.stdout).findings.map((f: { path: string }) => f.path)).toEqual(['b.yml']);
  });

  it('an unreadable baseline is one line and exit 2', async () => {
    writeFileSync(join(dir, 'a.txt'), 'x');
    const r = await runCli(['scan', '--baseline', 'missing.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('scan --verify', () => {
  let openai: FakeProvider;
  beforeAll(async () => {
    openai = await startFakeProvider((req, res) => {
      if (req.headers.authorization === `Bearer ${LIVE}`) return json(res, 200, { object: 'list', data: [] });
      return openAiError(res, 401, 'invalid_api_key', 'Incorrect API key provided');
    });
  });
  afterAll(() => openai.close());

  it('adds a verdict to each finding, filters with --only-live, and never prints a secret', async () => {
    writeFileSync(join(dir, 'a.env'), `OPENAI_API_KEY=${LIVE}\nLEGACY=${DEAD}\n`);
    const env = { KEYWARD_OPENAI_BASE_URL: openai.url };
    const r = await runCli(['scan', '--verify', '--format', 'json'], { cwd: dir, env });
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout).findings;
    expect(findings.map((f: { verification: { status: string } }) => f.verification.status)).toEqual([
      'live',
      'invalid',
    ]);
    expect(r.stdout + r.stderr).not.toContain(LIVE);
    expect(r.stderr).toContain(openai.url); // the override is announced
    const live = await runCli(['scan', '--verify', '--only-live', '--format', 'json'], { cwd: dir, env });
    expect(JSON.parse(live.stdout).findings).toHaveLength(1);
  });

  it('is never sent without --verify', async () => {
    writeFileSync(join(dir, 'a.env'), `OPENAI_API_KEY=${LIVE}\n`);
    const before = openai.requests.length;
    const r = await runCli(['scan', '--format', 'json'], {
      cwd: dir,
      env: { KEYWARD_OPENAI_BASE_URL: openai.url },
    });
    expect(JSON.parse(r.stdout).findings[0].verification).toBeUndefined();
    expect(openai.requests.length).toBe(before);
  });
});
