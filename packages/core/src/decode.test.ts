import { describe, expect, it } from 'vitest';
import { randomString, rng } from '@keyward/rules';
import { decodeText } from './decode.js';
import { encodedTextReason } from './decoded-text.js';

// Encoded at test time: the values of git.git's t/t5563-simple-http-auth.sh and of the AI-agent
// repositories of issue 16 are test words, not secrets, but this file holds no encoded literal either.
const base64 = (text: string) => Buffer.from(text).toString('base64');
const base64url = (text: string) => Buffer.from(text).toString('base64url');
const hex = (text: string) => Buffer.from(text).toString('hex');
const randomBytes = (seed: number, n: number) => {
  const next = rng(seed);
  return Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256)));
};

describe('decodeText', () => {
  it.each([
    ['base64', base64('alice:secret-passwd')],
    ['base64', base64('a-git-token').replace(/=+$/, '')],
    ['base64url', base64url('~~test~~token~~')],
    ['hex', hex('proxy-credential')],
    ['hex', hex('proxy-credential').toUpperCase()],
    ['percent', encodeURIComponent('alice:secret passwd')],
  ] as const)('decodes %s text', (encoding, value) => {
    expect(decodeText(value)?.encoding).toBe(encoding);
  });

  it('undoes percent-encoding, then base64 under it', () => {
    expect(decodeText(encodeURIComponent(base64('another-token')))).toEqual({
      encoding: 'base64',
      text: 'another-token',
    });
  });

  it('decodes no random bytes as text (1,000 tokens of 24 to 48 bytes each, in each encoding)', () => {
    for (let i = 0; i < 1000; i++) {
      const bytes = randomBytes(i, 24 + (i % 25));
      for (const value of [bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex')])
        expect(decodeText(value), value).toBeUndefined();
    }
  });

  it('refuses impossible lengths, stray padding and non-canonical last bits', () => {
    expect(decodeText('YWxpY2U6c2VjcmV0LXBhc3N3ZA=')).toBeUndefined();
    expect(decodeText(`${base64('alice:secret-passwd').slice(0, -2)}b=`)).toBeUndefined();
    expect(decodeText('abcde')).toBeUndefined();
  });
});

describe('encodedTextReason', () => {
  it.each([
    [base64('alice:secret-passwd'), 'base64 of user:password made of words'],
    [base64('a-git-token'), 'base64 of words'],
    [base64('another-token'), 'base64 of words'],
    [base64('synthetic-proxy-credential'), 'base64 of words'],
    [base64('proxy-credential'), 'base64 of words'],
    [hex('alice:wonderland'), 'hex of user:password made of words'],
    [base64url('your-api-key-here?'), 'base64url of a placeholder'],
    [encodeURIComponent(base64('bob:changeme-please')), 'base64 of user:password made of words'],
  ])('%s is %s', (value, reason) => {
    expect(encodedTextReason(value)).toBe(reason);
  });

  it('keeps a Basic credential whose password is random (random passwords, 500 tries)', () => {
    const next = rng(5);
    for (let i = 0; i < 500; i++) {
      const password = randomString(next, 'alnum', 12 + (i % 20));
      for (const user of ['alice', 'deploy', 'x-access-token', 'ci-bot'])
        expect(encodedTextReason(base64(`${user}:${password}`)), password).toBeUndefined();
    }
  });

  it('keeps the encoding of a random token (500 tries each: alnum, hex, base64url bodies)', () => {
    const next = rng(6);
    for (let i = 0; i < 500; i++) {
      for (const alphabet of ['alnum', 'hex', 'base64url'] as const) {
        const token = randomString(next, alphabet, 16 + (i % 32));
        expect(encodedTextReason(base64(token)), token).toBeUndefined();
        expect(encodedTextReason(hex(token)), token).toBeUndefined();
      }
    }
  });

  it('keeps what is not encoded text', () => {
    expect(encodedTextReason(randomBytes(1, 30).toString('base64'))).toBeUndefined();
    expect(encodedTextReason(randomString(rng(2), 'alnum', 32))).toBeUndefined();
  });
});
