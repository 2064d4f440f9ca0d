import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { fakeKey } from '@keyward/test-utils';
import { verifyAll, type HttpRequest } from '@keyward/verifier';
import { fakeClock, json, openAiError, startFakeProvider, wait, type FakeProvider } from './fake-provider.js';

const servers: FakeProvider[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function provider(...args: Parameters<typeof startFakeProvider>): Promise<FakeProvider> {
  const server = await startFakeProvider(...args);
  servers.push(server);
  return server;
}

const MODELS = { object: 'list', data: [] };
const projectKeys = (n: number, seed = 100) =>
  Array.from({ length: n }, (_, i) => ({
    ruleId: 'openai-project-key',
    secret: fakeKey('openai-project', seed + i),
  }));

describe('retries and backoff', () => {
  it('a 429 then a 200 is live after one backoff', async () => {
    let calls = 0;
    const server = await provider((_req, res) =>
      ++calls === 1
        ? openAiError(res, 429, 'rate_limit_exceeded', 'Rate limit reached', 'requests')
        : json(res, 200, MODELS),
    );
    const clock = fakeClock();
    const [item] = projectKeys(1);
    const results = await verifyAll([item!], { baseUrls: { openai: server.url }, clock });
    expect(results.get(item!.secret)!.status).toBe('live');
    expect(server.requests).toHaveLength(2);
    expect(clock.sleeps).toEqual([1000]);
  });

  it('honours Retry-After in seconds', async () => {
    let calls = 0;
    const server = await provider((_req, res) =>
      ++calls === 1
        ? json(
            res,
            429,
            { error: { code: 'rate_limit_exceeded', message: 'slow down' } },
            { 'retry-after': '7' },
          )
        : json(res, 200, MODELS),
    );
    const clock = fakeClock();
    const [item] = projectKeys(1);
    const results = await verifyAll([item!], { baseUrls: { openai: server.url }, clock });
    expect(results.get(item!.secret)!.status).toBe('live');
    expect(clock.sleeps).toEqual([7000]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const clock = fakeClock();
    let calls = 0;
    const server = await provider((_req, res) =>
      ++calls === 1
        ? json(
            res,
            503,
            { error: { message: 'overloaded' } },
            { 'retry-after': new Date(clock.now() + 4000).toUTCString() },
          )
        : json(res, 200, MODELS),
    );
    const [item] = projectKeys(1);
    await verifyAll([item!], { baseUrls: { openai: server.url }, clock });
    expect(clock.sleeps).toEqual([4000]);
  });

  it('gives up at once when Retry-After is longer than the run should wait', async () => {
    const server = await provider((_req, res) =>
      json(
        res,
        429,
        { error: { code: 'rate_limit_exceeded', message: 'slow down' } },
        { 'retry-after': '3600' },
      ),
    );
    const clock = fakeClock();
    const [item] = projectKeys(1);
    const verification = (await verifyAll([item!], { baseUrls: { openai: server.url }, clock })).get(
      item!.secret,
    )!;
    expect(verification).toMatchObject({ status: 'unknown', reason: 'rate_limited' });
    expect(verification.detail).toContain('3600 s');
    expect(server.requests).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('respects a smaller retry budget', async () => {
    const server = await provider((_req, res) => json(res, 500, { error: { message: 'boom' } }));
    const clock = fakeClock();
    const [item] = projectKeys(1);
    const verification = (
      await verifyAll([item!], { baseUrls: { openai: server.url }, clock, retries: 0 })
    ).get(item!.secret)!;
    expect(verification).toMatchObject({ status: 'unknown', reason: 'server_error' });
    expect(server.requests).toHaveLength(1);
  });

  it('a host that hangs is given up on after one key, so the others cost nothing', async () => {
    const server = await provider(() => {
      /* never answers */
    });
    const clock = fakeClock();
    const items = projectKeys(4);
    const results = await verifyAll(items, {
      baseUrls: { openai: server.url },
      clock,
      timeoutMs: 100,
      perHost: 1,
    });
    for (const item of items)
      expect(results.get(item.secret)).toMatchObject({ status: 'unknown', reason: 'timeout' });
    // Three timeouts in a row (one key's budget) and the host is given up on for the rest of the run.
    expect(server.requests).toHaveLength(3);
    expect(results.get(items[3]!.secret)!.detail).toContain('earlier in this run');
  });

  it('a refused connection is unknown (network error), never invalid', async () => {
    const port = await freePort();
    const clock = fakeClock();
    const [item] = projectKeys(1);
    const verification = (
      await verifyAll([item!], { baseUrls: { openai: `http://127.0.0.1:${port}` }, clock })
    ).get(item!.secret)!;
    expect(verification).toMatchObject({ status: 'unknown', reason: 'network_error' });
    expect(verification.detail).toContain('ECONNREFUSED');
    expect(clock.sleeps).toEqual([1000, 2000]);
  });
});

describe('limits and dedupe', () => {
  it('keeps at most perHost requests in flight to one host', async () => {
    const server = await provider(async (_req, res) => {
      await wait(30);
      json(res, 200, MODELS);
    });
    const items = projectKeys(8);
    const results = await verifyAll(items, { baseUrls: { openai: server.url }, concurrency: 4, perHost: 2 });
    expect(results.size).toBe(8);
    expect(server.requests).toHaveLength(8);
    expect(server.maxInFlight).toBe(2);
  });

  it('keeps at most `concurrency` requests in flight across hosts', async () => {
    const slow = async (_req: unknown, res: Parameters<typeof json>[0]) => {
      await wait(30);
      json(res, 200, { data: [] });
    };
    const openai = await provider(slow);
    const groq = await provider(slow);
    let inFlight = 0;
    let maxInFlight = 0;
    const { nodeTransport } = await import('@keyward/verifier');
    const counting = async (request: HttpRequest) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        return await nodeTransport(request);
      } finally {
        inFlight--;
      }
    };
    const items = [
      ...projectKeys(6),
      ...Array.from({ length: 6 }, (_, i) => ({ ruleId: 'groq-api-key', secret: fakeKey('groq', 300 + i) })),
    ];
    await verifyAll(items, {
      baseUrls: { openai: openai.url, groq: groq.url },
      concurrency: 3,
      perHost: 2,
      transport: counting,
    });
    expect(maxInFlight).toBe(3);
    expect(openai.maxInFlight).toBeLessThanOrEqual(2);
    expect(groq.maxInFlight).toBeLessThanOrEqual(2);
    expect(openai.requests).toHaveLength(6);
    expect(groq.requests).toHaveLength(6);
  });

  it('checks each distinct secret once', async () => {
    const server = await provider((_req, res) => json(res, 200, MODELS));
    const [a, b] = projectKeys(2);
    const results = await verifyAll([a!, b!, a!, a!, b!], { baseUrls: { openai: server.url } });
    expect(results.size).toBe(2);
    expect(server.requests).toHaveLength(2);
  });
});

describe('redirects', () => {
  it('never follows a redirect to another host', async () => {
    const elsewhere = await provider((_req, res) => json(res, 200, MODELS));
    const server = await provider((_req, res) => {
      res.writeHead(302, { location: `${elsewhere.url}/v1/models` });
      res.end();
    });
    const clock = fakeClock();
    const [item] = projectKeys(1);
    const verification = (await verifyAll([item!], { baseUrls: { openai: server.url }, clock })).get(
      item!.secret,
    )!;
    expect(verification).toMatchObject({ status: 'unknown', reason: 'unrecognized' });
    expect(verification.detail).toContain('redirected');
    expect(elsewhere.requests).toHaveLength(0);
    expect(server.requests).toHaveLength(1);
  });

  it('follows a redirect on the same host (a trailing slash, say)', async () => {
    const server = await provider((req, res) => {
      if (req.url === '/v1/models') {
        res.writeHead(301, { location: '/v1/models/' });
        res.end();
      } else json(res, 200, MODELS);
    });
    const [item] = projectKeys(1);
    const results = await verifyAll([item!], { baseUrls: { openai: server.url } });
    expect(results.get(item!.secret)!.status).toBe('live');
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/models', '/v1/models/']);
  });
});

describe('redirect loops', () => {
  it('stops after a few same-host redirects', async () => {
    const server = await provider((req, res) => {
      res.writeHead(302, { location: `${req.url}x` });
      res.end();
    });
    const [item] = projectKeys(1);
    const verification = (await verifyAll([item!], { baseUrls: { openai: server.url } })).get(item!.secret)!;
    expect(verification).toMatchObject({ status: 'unknown', reason: 'unrecognized' });
    expect(verification.detail).toBe('redirected more than 2 times');
    expect(server.requests).toHaveLength(3);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
