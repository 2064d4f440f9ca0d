import { afterEach, describe, expect, it } from 'vitest';
import { fakeKey } from '@keyward/test-utils';
import {
  BaseUrlError,
  OFFICIAL_BASE_URLS,
  parseBaseUrlFlags,
  resolveBaseUrls,
  verifyAll,
  type HttpRequest,
  type HttpResponse,
} from '@keyward/verifier';
import { json, startFakeProvider, type FakeProvider } from './fake-provider.js';

let server: FakeProvider | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('base URLs', () => {
  it('are the official hosts unless overridden, and keys go nowhere else', async () => {
    const sent: URL[] = [];
    // A transport that records and answers without touching the network.
    const transport = async (request: HttpRequest): Promise<HttpResponse> => {
      sent.push(request.url);
      return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"data":[]}' };
    };
    const items = [
      { ruleId: 'openai-project-key', secret: fakeKey('openai-project', 1) },
      { ruleId: 'anthropic-api-key', secret: fakeKey('anthropic', 1) },
      { ruleId: 'groq-api-key', secret: fakeKey('groq', 1) },
      { ruleId: 'google-ai-api-key', secret: fakeKey('google', 1) },
    ];
    const notices: string[] = [];
    await verifyAll(items, { transport, env: {}, onNotice: (line) => notices.push(line) });
    expect(sent.map(String).sort()).toEqual([
      'https://api.anthropic.com/v1/models?limit=1',
      'https://api.groq.com/openai/v1/models',
      'https://api.openai.com/v1/models',
      'https://generativelanguage.googleapis.com/v1beta/models?pageSize=1',
    ]);
    expect(notices).toEqual([]);
  });

  it('KEYWARD_OPENAI_BASE_URL without a path gets /v1 added, and is announced', async () => {
    server = await startFakeProvider((_req, res) => json(res, 200, { data: [] }));
    const notices: string[] = [];
    const secret = fakeKey('openai-project', 2);
    const results = await verifyAll([{ ruleId: 'openai-project-key', secret }], {
      env: { KEYWARD_OPENAI_BASE_URL: server.url },
      onNotice: (line) => notices.push(line),
    });
    expect(results.get(secret)!.status).toBe('live');
    expect(server.requests[0]!.path).toBe('/v1/models');
    expect(notices).toEqual([
      `sending openai keys to ${server.url}/v1 (set by KEYWARD_OPENAI_BASE_URL), not to the official host`,
    ]);
    expect(notices.join('')).not.toContain(secret);
  });

  it('a base URL with a path is used as given (a corporate proxy)', () => {
    const bases = resolveBaseUrls({ KEYWARD_OPENAI_BASE_URL: 'https://proxy.example.com/openai/v1/' });
    expect(bases.openai).toEqual({
      url: 'https://proxy.example.com/openai/v1',
      source: 'KEYWARD_OPENAI_BASE_URL',
    });
    expect(bases.anthropic).toEqual({ url: OFFICIAL_BASE_URLS.anthropic });
  });

  it('every provider has its own variable, and the flag wins over the environment', () => {
    const bases = resolveBaseUrls(
      {
        KEYWARD_GROQ_BASE_URL: 'https://groq-proxy.example.com',
        KEYWARD_OPENAI_BASE_URL: 'https://env.example.com',
      },
      { openai: 'https://flag.example.com/v1' },
    );
    expect(bases.groq.url).toBe('https://groq-proxy.example.com/openai/v1');
    expect(bases.openai).toEqual({ url: 'https://flag.example.com/v1', source: '--base-url' });
  });

  it.each([
    ['ftp://example.com', 'not an http(s) URL'],
    ['not a url', 'not a URL'],
    ['http://proxy.example.com', 'plain http is allowed for loopback hosts only'],
    ['https://user:pw@proxy.example.com', 'credentials'],
    ['https://proxy.example.com/v1?x=1', 'no query'],
  ])('refuses %s', (value, reason) => {
    expect(() => resolveBaseUrls({ KEYWARD_OPENAI_BASE_URL: value })).toThrow(BaseUrlError);
    expect(() => resolveBaseUrls({ KEYWARD_OPENAI_BASE_URL: value })).toThrow(reason);
  });

  it('refuses before sending anything', async () => {
    const transport = async (): Promise<HttpResponse> => {
      throw new Error('must not be called');
    };
    await expect(
      verifyAll([{ ruleId: 'openai-project-key', secret: fakeKey('openai-project', 3) }], {
        transport,
        env: { KEYWARD_OPENAI_BASE_URL: 'http://evil.example.com' },
      }),
    ).rejects.toThrow(BaseUrlError);
  });

  it('parses --base-url provider=URL, a bare URL meaning OpenAI', () => {
    expect(parseBaseUrlFlags(['http://127.0.0.1:9/v1', 'anthropic=http://127.0.0.1:8'])).toEqual({
      openai: 'http://127.0.0.1:9/v1',
      anthropic: 'http://127.0.0.1:8',
    });
    expect(() => parseBaseUrlFlags(['nosuch=http://127.0.0.1:1'])).toThrow(/unknown provider/);
  });
});
