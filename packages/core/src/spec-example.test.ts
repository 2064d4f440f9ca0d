import { describe, expect, it } from 'vitest';
import { randomString, rng } from '@keyward/rules';
import { isSpecDocument, isSpecExample } from './spec-example.js';

const value = randomString(rng(3), 'alnum', 32);
const bytes = (text: string) => new TextEncoder().encode(text);
/** Whether the value in `text` is judged a specification example, in a file at `path`. */
const judged = (text: string, path: string) => isSpecExample(bytes(text), path, text.indexOf(value));

const openapi = (body: string) => `openapi: 3.0.3\ninfo:\n  title: Tokens\n  version: 1.0.0\n${body}`;

describe('isSpecDocument', () => {
  it.each([
    ['openapi.yaml', 'x: 1'],
    ['api/swagger.json', '{}'],
    ['user.schema.json', '{}'],
    ['spec/tokens.yaml', 'openapi: "3.1.0"\n'],
    ['docs/api.json', '{\n  "swagger": "2.0",\n'],
    ['schemas/login.json', '{"$schema": "https://json-schema.org/draft/2020-12/schema"}'],
  ])('%s is one', (path, text) => expect(isSpecDocument(bytes(text), path)).toBe(true));

  it.each([
    ['config.yaml', 'token: abc\n'],
    ['docker-compose.yml', 'services:\n  api:\n    image: x\n'],
    ['notes.md', 'openapi: 3.0.0'],
    ['src/app.ts', 'const openapi = 3;'],
  ])('%s is not', (path, text) => expect(isSpecDocument(bytes(text), path)).toBe(false));
});

describe('isSpecExample', () => {
  it('finds an example key above the value in YAML', () => {
    const text = openapi(
      [
        'components:',
        '  schemas:',
        '    Login:',
        '      type: object',
        '      example:',
        '        user: alice',
        `        access_token: ${value}`,
      ].join('\n'),
    );
    expect(judged(text, 'api.yaml')).toBe(true);
  });

  it('follows list items and examples maps (OpenAPI 3 examples: name: value:)', () => {
    const text = openapi(
      [
        'paths:',
        '  /login:',
        '    post:',
        '      responses:',
        "        '200':",
        '          content:',
        '            application/json:',
        '              examples:',
        '                ok:',
        '                  value:',
        '                    - client_secret: "' + value + '"',
      ].join('\n'),
    );
    expect(judged(text, 'api.yaml')).toBe(true);
  });

  it('does not take a sibling or a property definition for an example', () => {
    const text = openapi(
      [
        'components:',
        '  schemas:',
        '    Login:',
        '      example:',
        '        user: alice',
        '  securitySchemes:',
        '    default:',
        `      api_key: ${value}`,
      ].join('\n'),
    );
    expect(judged(text, 'api.yaml')).toBe(false);
  });

  it('finds example keys in pretty-printed and in minified JSON', () => {
    const pretty = JSON.stringify(
      { swagger: '2.0', definitions: { Token: { example: { token: value } } } },
      null,
      2,
    );
    expect(judged(pretty, 'swagger.json')).toBe(true);
    const minified = JSON.stringify({
      openapi: '3.0.0',
      a: { example: { note: 'x}{"' } },
      b: { examples: [{ token: value }] },
    });
    expect(judged(minified, 'api.json')).toBe(true);
    const sibling = JSON.stringify({ openapi: '3.0.0', a: { example: { note: 'x' } }, b: { token: value } });
    expect(judged(sibling, 'api.json')).toBe(false);
  });

  it('says nothing outside specifications', () => {
    expect(judged(`example:\n  token: ${value}\n`, 'config.yaml')).toBe(false);
  });
});
