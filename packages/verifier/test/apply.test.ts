import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redact, type Finding } from '@keyward/core';
import { fakeKey } from '@keyward/test-utils';
import { applyVerification, parseResultsFilter, verificationExitCode } from '@keyward/verifier';
import { json, openAiError, startFakeProvider, type FakeProvider } from './fake-provider.js';

const LIVE = fakeKey('openai-project', 31);
const DEAD = fakeKey('openai-project', 32);
const BLOCKED = fakeKey('openai-project', 33);

let server: FakeProvider;
beforeAll(async () => {
  server = await startFakeProvider((req, res) => {
    const auth = req.headers.authorization;
    if (auth === `Bearer ${LIVE}`) return json(res, 200, { data: [] });
    if (auth === `Bearer ${DEAD}`)
      return openAiError(res, 401, 'invalid_api_key', 'Incorrect API key provided');
    return openAiError(res, 401, null, 'IP not authorized');
  });
});
afterAll(() => server.close());

function finding(secret: string, line: number, extra: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'openai-project-key',
    severity: 'high',
    confidence: 'high',
    path: 'src/config.ts',
    line,
    column: 1,
    endLine: line,
    endColumn: secret.length + 1,
    secret,
    redacted: redact(secret, 8), // `sk-proj-…`, as the project-key rule shows it
    fingerprint: `fp${line}`,
    ...extra,
  };
}

describe('applyVerification', () => {
  it('adds a verification to every reported finding, checking each secret once', async () => {
    const before = server.requests.length;
    const findings = [finding(LIVE, 1), finding(DEAD, 2), finding(LIVE, 3), finding(BLOCKED, 4)];
    const out = await applyVerification(findings, { baseUrls: { openai: server.url } });
    expect(out.map((f) => [f.line, f.verification?.status])).toEqual([
      [1, 'live'],
      [2, 'invalid'],
      [3, 'live'],
      [4, 'unknown'],
    ]);
    expect(server.requests.length - before).toBe(3);
  });

  it('narrows to the statuses asked for (--only-live, --results)', async () => {
    const findings = [finding(LIVE, 1), finding(DEAD, 2), finding(BLOCKED, 3)];
    const onlyLive = await applyVerification(findings, {
      baseUrls: { openai: server.url },
      results: ['live'],
    });
    expect(onlyLive.map((f) => f.line)).toEqual([1]);
    const notInvalid = await applyVerification(findings, {
      baseUrls: { openai: server.url },
      results: parseResultsFilter(['live,unknown']),
    });
    expect(notInvalid.map((f) => f.line)).toEqual([1, 3]);
  });

  it('leaves suppressed findings alone and unsent', async () => {
    const before = server.requests.length;
    const out = await applyVerification([finding(DEAD, 1, { suppressed: 'baseline' })], {
      baseUrls: { openai: server.url },
      results: ['live'],
    });
    expect(out).toHaveLength(1);
    expect(out[0]!.verification).toBeUndefined();
    expect(server.requests.length).toBe(before);
  });
});

describe('parseResultsFilter and verificationExitCode', () => {
  it('parses commas and repeats, and rejects unknown words', () => {
    expect(parseResultsFilter(['live, unknown', 'live'])).toEqual(['live', 'unknown']);
    expect(parseResultsFilter(['verified'])).toBeUndefined();
  });

  it('1 when any is live, 3 when none is but some are unknown, 0 when all are invalid', () => {
    expect(verificationExitCode(['invalid', 'live', 'unknown'])).toBe(1);
    expect(verificationExitCode(['invalid', 'unknown'])).toBe(3);
    expect(verificationExitCode(['invalid', 'invalid'])).toBe(0);
    expect(verificationExitCode([])).toBe(0);
  });
});
