import { describe, expect, it } from 'vitest';
import { RULES } from '@keyward/rules';
import { randomString, rng } from '@keyward/rules';
import { buildAutomaton, findAnchors } from './anchors.js';
import { assignmentText, gateKeeps, seededRandom } from './wasm/__tests__/reference.js';
import {
  assignmentGate,
  genericValueRejection,
  isSecretName,
  matchAssignment,
  nameWords,
  primeAssignment,
} from './generic.js';
import { wordiness } from './english.js';
import { genericVerdict } from './filters.js';
import type { GenericSpec } from './types.js';

const spec = RULES.find((r) => r.id === 'generic-secret')!.generic as GenericSpec;

describe('nameWords', () => {
  it.each([
    ['openaiApiKey', ['openai', 'api', 'key']],
    ['OPENAI_API_KEY', ['openai', 'api', 'key']],
    ['X-API-KEY', ['x', 'api', 'key']],
    ['config.clientSecret', ['client', 'secret']],
    ['HTTPToken', ['http', 'token']],
  ])('%s', (name, words) => expect(nameWords(name)).toEqual(words));
});

describe('isSecretName', () => {
  it.each([
    'API_KEY',
    'apiKey',
    'OPENAI_KEY',
    'client_secret',
    'password',
    'auth_token',
    'Authorization',
    'PRIVATE_KEY',
  ])('%s is secret-like', (name) => expect(isSecretName(name, spec)).toBe(true));
  it.each([
    'key',
    'keyboard',
    'tokenizer',
    'publicKey',
    'csrf_token',
    'nextPageToken',
    'cacheKey',
    'tokenType',
    'secretary',
    'sortKey',
  ])('%s is not', (name) => expect(isSecretName(name, spec)).toBe(false));
});

describe('genericValueRejection', () => {
  // Random tokens lack a digit now and then ((52/62)^n), which the rule rejects for precision: at 20
  // characters that is 3%, at 32 under 0.5%.
  it.each([
    ['alnum', 20, 0.05],
    ['alnum', 32, 0.01],
    ['alnum', 40, 0.01],
    ['base64url', 24, 0.03],
    ['base64url', 43, 0.01],
    ['hex', 32, 0.01],
    ['hex', 40, 0.01],
    ['upperAlnum', 32, 0.01],
  ] as const)('keeps random %s tokens of length %i (at most %f rejected)', (alphabet, length, most) => {
    const next = rng(length);
    let rejected = 0;
    for (let i = 0; i < 1000; i++)
      if (genericValueRejection(randomString(next, alphabet, length), spec)) rejected++;
    expect(rejected / 1000).toBeLessThanOrEqual(most);
  });

  it.each([
    ['babel7CompatTokens', 'words'],
    ['SomeKindOfPassword123', 'words'],
    ['123e4567-e89b-12d3-a456-426614174000', 'uuid'],
    ['xxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'one-class'],
    ['process.env.OPENAI_API_KEY', 'one-class'],
    ['process.env.OPENAI_API_KEY_2', 'path'],
    ['./config/secrets/prod2.yml', 'path'],
    ['1.2.3-beta.4.5.6.7.8.9', 'version'],
    ['aaaaaaaabbbbbbbb11111111', 'entropy'],
    ['MY_SECRET_PASSWORD_1', 'words'],
  ])('rejects %s (%s)', (value, reason) => expect(genericValueRejection(value, spec)).toBe(reason));

  it('lets placeholders through to the filters, which count what they hide', () => {
    const value = 'abcdefghijklmnop1234567890';
    expect(genericValueRejection(value, spec)).toBeUndefined();
    expect(genericVerdict(value, new Uint8Array(0), 'a.ts', 0)).toMatchObject({ filter: 'placeholder' });
  });

  it('takes a base64 token that starts with a slash for a token, a path of words for a path', () => {
    const base64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    expect(genericValueRejection(`/${randomString(rng(4), base64, 38)}`, spec)).toBeUndefined();
    expect(genericValueRejection('/etc/ssl/private/server9', spec)).toBe('path');
  });

  it('measures wordiness as the share of word-like runs', () => {
    expect(wordiness('SomeKindOfPassword')).toBeGreaterThan(0.5);
    expect(wordiness('q8Zr2Xk0pLm4Vb7N')).toBeLessThan(0.3);
  });
});

describe('primeAssignment', () => {
  it('runs on the shipped spec and on sparse ones, and changes no answer', () => {
    const line = new TextEncoder().encode('secret := "abcdefghijklmnopqrstuvwx"\n');
    const before = matchAssignment(line, 0, 6, spec);
    primeAssignment(spec);
    primeAssignment({ ...spec, authSchemes: [], minLength: 0, maxLength: 1 });
    expect(matchAssignment(line, 0, 6, spec)).toEqual(before);
    expect(before).toMatchObject({ nameStart: 0, nameEnd: 6, valueStart: 11, valueEnd: 35 });
  });
});

describe('assignmentGate', () => {
  it('gates a keyword by its rules: a scheme word when one contains it, the shortest value they take', () => {
    expect(assignmentGate('token', [spec])).toEqual({ scheme: true, minValue: spec.minLength });
    expect(assignmentGate('key', [spec])).toEqual({ scheme: false, minValue: spec.minLength });
    expect(assignmentGate('KEY', [spec, { ...spec, minLength: 8, authSchemes: ['apikey'] }])).toEqual({
      scheme: true,
      minValue: 8,
    });
    expect(assignmentGate('key', [])).toBeUndefined();
  });

  it('never drops a keyword hit that matchAssignment takes (the WASM gate is checked against this one)', () => {
    const keywords = RULES.find((r) => r.id === 'generic-secret')!.keywords;
    const automaton = buildAutomaton(keywords);
    const gates = keywords.map((keyword) => assignmentGate(keyword.toLowerCase(), [spec])!);
    const random = seededRandom(5);
    let taken = 0;
    let dropped = 0;
    for (let round = 0; round < 40; round++) {
      const bytes = assignmentText(random, 300);
      findAnchors(automaton, bytes, 0, bytes.length, (id, end) => {
        const start = end - keywords[id]!.length;
        const keeps = gateKeeps(bytes, end, gates[id]!);
        if (matchAssignment(bytes, start, end, spec)) {
          taken++;
          expect(keeps, `${latin1Line(bytes, start)} dropped`).toBe(true);
        } else if (!keeps) dropped++;
      });
    }
    expect(taken).toBeGreaterThan(200);
    expect(dropped).toBeGreaterThan(1000);
  });
});

function latin1Line(bytes: Uint8Array, at: number): string {
  let start = at;
  while (start > 0 && bytes[start - 1] !== 0x0a) start--;
  let end = at;
  while (end < bytes.length && bytes[end] !== 0x0a) end++;
  return JSON.stringify(String.fromCharCode(...bytes.subarray(start, end)));
}
