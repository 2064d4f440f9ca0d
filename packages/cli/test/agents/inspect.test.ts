import { describe, expect, it } from 'vitest';
import { createScanner } from '@keyward/core';
import { RULES } from '@keyward/rules';
import { randomString, rng } from '@keyward/test-utils';
import { inspectLeaf, type InspectContext } from '../../src/agents/inspect.js';

const scanner = createScanner(RULES);
const generic = RULES.find((rule) => rule.generic)!.generic!;
const context = (scope: 'project' | 'user' = 'project'): InspectContext => ({
  scanner,
  generic,
  scope,
  path: 'config.json',
});
const secret = randomString(rng(42), 'alnum', 40);
const ids = (path: Array<string | number>, value: string, previous?: string, scope?: 'project' | 'user') =>
  inspectLeaf({ path, value }, previous, context(scope)).map((hit) => hit.ruleId);

describe('inspectLeaf: the secret-named field rule and its references', () => {
  it('finds a literal in a secret-named field, an --api-key=… or KEY=… argument, the value after a flag, a URL query or password', () => {
    expect(ids(['env', 'SEARCH_TOKEN'], secret)).toEqual(['agent-secret-field']);
    expect(ids(['args', 2], `--search-api-key=${secret}`)).toHaveLength(1);
    expect(ids(['args', 3], `SEARCH_TOKEN=${secret}`)).toHaveLength(1);
    expect(ids(['args', 4], secret, '--token')).toEqual(['agent-secret-field']);
    expect(ids(['url'], `https://mcp.example.test/x?token=${secret}`)).toHaveLength(1);
    expect(ids(['url'], `https://user:${secret}@mcp.example.test/x`)).toEqual(['agent-secret-field']);
  });

  it('leaves references, name-only fields and ordinary values alone', () => {
    for (const reference of [
      '${TOKEN}',
      '${TOKEN:-}',
      '$TOKEN',
      '${env:TOKEN}',
      '{env:TOKEN}',
      '{file:~/.t}',
      '${input:token}',
      '${{ secrets.TOKEN }}',
      '${user_config.api_key}',
    ])
      expect(ids(['env', 'SEARCH_TOKEN'], reference), reference).toEqual([]);
    expect(ids(['headers', 'Authorization'], 'Bearer ${env:TOKEN}')).toEqual([]);
    expect(ids(['mcp_servers', 'docs', 'bearer_token_env_var'], 'DOCS_TOKEN_WITH_A_LONG_NAME_1')).toEqual([]);
    expect(ids(['mcp_servers', 'docs', 'env_http_headers', 'Authorization'], 'DOCS_TOKEN')).toEqual([]);
    expect(ids(['args', 4], secret, '--port')).toEqual([]);
    expect(ids(['env', 'SEARCH_TOKEN'], 'your-search-token-here')).toEqual([]);
  });

  it('flags a project-level base URL to another host and apiKeyHelper, not at user level or to the official host', () => {
    expect(ids(['env', 'OPENAI_BASE_URL'], 'https://proxy.example.test/v1')).toEqual(['agent-base-url']);
    expect(ids(['env', 'ANTHROPIC_BASE_URL'], 'https://api.anthropic.com')).toEqual([]);
    expect(ids(['env', 'ANTHROPIC_BASE_URL'], 'https://proxy.example.test', undefined, 'user')).toEqual([]);
    expect(ids(['apiKeyHelper'], '~/bin/key.sh')).toEqual(['agent-api-key-helper']);
    expect(ids(['apiKeyHelper'], '~/bin/key.sh', undefined, 'user')).toEqual([]);
  });
});
