import { describe, expect, it } from 'vitest';
import { jsonErrorOffset } from '../../src/config/json-error.js';

describe('jsonErrorOffset', () => {
  it.each(['{}', '[]', '{"a":[1,-2.5e3,true,false,null,"x\\u00e9\\n"]}', ' \n{"a" : {"b": []}}\n'])(
    'accepts %j',
    (text) => {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(jsonErrorOffset(text)).toBe(-1);
    },
  );

  it.each([
    ['{"a":1,}', 7],
    ['[1 2]', 3],
    ['{"a" 1}', 5],
    ['{a:1}', 1],
    ['{"a":tru}', 5],
    ['{"a":"\\x"}', 7],
    ['{"a":1} x', 8],
    ['{"a":"unterminated', 18],
    ['', 0],
  ])('finds the error in %j at %i', (text, offset) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(jsonErrorOffset(text)).toBe(offset);
  });
});
