import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '@keyward/verifier';

/** One request as the fake provider saw it. */
export interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
}

export type Handler = (req: IncomingMessage, res: ServerResponse, seen: Seen) => void | Promise<void>;

export interface FakeProvider {
  /** `http://127.0.0.1:<port>` (no path: the verifier adds the provider's official path). */
  url: string;
  requests: Seen[];
  /** Most requests this server had open at once. */
  maxInFlight: number;
  /** Connections accepted (a request that never got an answer still counts). */
  connections: number;
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 playing a provider: every test talks to it over a socket through the
 * verifier's real transport. Nothing reaches the internet.
 */
export async function startFakeProvider(handler: Handler): Promise<FakeProvider> {
  let inFlight = 0;
  const state = { requests: [] as Seen[], maxInFlight: 0, connections: 0 };
  const server = createServer((req, res) => {
    const seen: Seen = { method: req.method ?? '', path: req.url ?? '', headers: req.headers };
    state.requests.push(seen);
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    let counted = true;
    const done = () => {
      if (counted) inFlight--;
      counted = false;
    };
    res.on('finish', done);
    res.on('close', done);
    void handler(req, res, seen);
  });
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** OpenAI's error envelope (also Groq's and others' that copy it). */
export function openAiError(
  res: ServerResponse,
  status: number,
  code: string | null,
  message: string,
  type = 'invalid_request_error',
): void {
  json(res, status, { error: { message, type, param: null, code } });
}

export function html(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'content-type': 'text/html' });
  res.end(
    '<html><head><title>502 Bad Gateway</title></head><body><center>502 Bad Gateway</center></body></html>',
  );
}

/** A clock whose sleeps return at once and are recorded, so backoff tests take no real time. */
export function fakeClock(start = Date.parse('2026-11-23T12:00:00Z')): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  let now = start;
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

export const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
