import { describe, expect, it } from 'vitest';
import { randomString, rng } from '@keyward/rules';
import { isPhrase, spell, testKeyReason, wordBuilt } from './words.js';

// Test values seen in real repositories (issue 16), assembled here from their words.
const words = (...parts: string[]) => parts.join('-');

describe('testKeyReason', () => {
  it.each([
    words('m0', 'test', 'key', '1234'),
    words('m0', 'new', 'secret', 'key', 'abcd1234'),
    words('sk', 'test', 'azure', 'imds', 'secret', '7f3e'),
    words('another', 'token'),
    words('a', 'git', 'token'),
    words('synthetic', 'proxy', 'credential'),
    'VERYLONG' + 'SECRET' + 'eyJraWQiOiJrZXktMTU2NDAyODA5OSIsImFsZyI6IkhTMzg0In0',
    'my' + 'test' + 'api' + 'key' + '42',
    'dummy_api_key_0001',
    'FakeAuthToken99',
  ])('%s is a word-built stand-in', (value) => {
    expect(testKeyReason(value)).toBeDefined();
  });

  it.each([
    // a long random tail is a key whatever the words before it (a test-mode key of a real service)
    `test_${randomString(rng(1), 'alnum', 32)}`,
    `key-${randomString(rng(2), 'hex', 32)}`,
    // words a value may hold without being made of them
    `${randomString(rng(3), 'alnum', 12)}demo${randomString(rng(4), 'alnum', 12)}`,
  ])('%s is not', (value) => {
    expect(testKeyReason(value)).toBeUndefined();
  });

  it.each([
    ['alnum', 16],
    ['alnum', 24],
    ['alnum', 40],
    ['base64url', 32],
    ['hex', 32],
    ['hex', 40],
    ['upperAlnum', 20],
    ['lower', 24],
  ] as const)('judges no random %s value of length %i a test key (5,000 tries)', (alphabet, length) => {
    const next = rng(length * 31 + alphabet.length);
    const judged: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const value = randomString(next, alphabet, length);
      if (testKeyReason(value)) judged.push(value);
    }
    expect(judged).toEqual([]);
  });

  it('judges no random token with a test-like prefix a test key', () => {
    const next = rng(77);
    for (const prefix of ['sk-', 'tok_', 'm0-', 'pat-', 'key_']) {
      for (let i = 0; i < 1000; i++) {
        const value = prefix + randomString(next, 'alnum', 24);
        expect(testKeyReason(value), value).toBeUndefined();
      }
    }
  });
});

describe('spell', () => {
  it('covers glued and separated words, and sets the short tail aside', () => {
    expect(spell('mytestapikey1234')).toMatchObject({
      words: ['my', 'test', 'apikey'],
      unknown: 0,
      tail: '1234',
    });
    expect(spell(words('m0', 'test', 'key', 'abcd1234'))).toMatchObject({ unknown: 2, tail: 'abcd1234' });
  });
});

describe('wordBuilt and isPhrase', () => {
  it('need a test or credential word to call a value a test key', () => {
    expect(wordBuilt('hello-world-2024')).toBe(true);
    expect(wordBuilt('purple-elephant-2024')).toBe(false);
  });

  it('read names and phrases as words, random text not', () => {
    expect(isPhrase('wonderland')).toBe(true);
    expect(isPhrase('correct horse battery staple')).toBe(true);
    expect(isPhrase(randomString(rng(9), 'alnum', 12))).toBe(false);
  });
});
