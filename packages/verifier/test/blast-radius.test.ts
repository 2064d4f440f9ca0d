import { afterEach, describe, expect, it } from 'vitest';
import { fakeKey } from '@keyward/test-utils';
import { verifyAll } from '@keyward/verifier';
import {
  fakeClock,
  json,
  openAiError,
  startFakeProvider,
  type FakeProvider,
  type Handler,
} from './fake-provider.js';

let server: FakeProvider | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const LIST = { object: 'list', data: [], has_more: false };
const missing = (scope: string) =>
  `You have insufficient permissions for this operation. Missing scopes: ${scope}.`;

async function map(ruleId: string, secret: string, handler: Handler) {
  server = await startFakeProvider(handler);
  const results = await verifyAll([{ ruleId, secret }], {
    baseUrls: { openai: server.url },
    blastRadius: true,
    clock: fakeClock(),
  });
  return results.get(secret)!;
}

describe('--blast-radius for OpenAI keys', () => {
  it('maps each area as reachable, denied or unknown with read-only GET …?limit=1 probes', async () => {
    const verification = await map('openai-project-key', fakeKey('openai-project', 21), (req, res) => {
      const path = req.url ?? '';
      if (path === '/v1/models' || path.startsWith('/v1/files') || path.startsWith('/v1/vector_stores')) {
        return json(res, 200, LIST);
      }
      if (path.startsWith('/v1/fine_tuning/jobs'))
        return openAiError(res, 403, null, missing('api.fine_tuning.jobs.read'));
      if (path.startsWith('/v1/batches')) return openAiError(res, 401, null, missing('api.batch.read'));
      return openAiError(res, 500, null, 'The server had an error', 'server_error');
    });
    expect(verification.status).toBe('live');
    expect(verification.reach).toEqual({
      models: 'reachable',
      files: 'reachable',
      fine_tuning: 'denied',
      batches: 'denied',
      vector_stores: 'reachable',
      assistants: 'unknown',
      inference: 'unknown',
    });
    const paths = server!.requests.map((r) => r.path);
    expect(new Set(server!.requests.map((r) => r.method))).toEqual(new Set(['GET']));
    for (const path of paths.filter((p) => p !== '/v1/models')) expect(path).toMatch(/\?limit=1$/);
    // The verification request answers for models: it is not asked twice.
    expect(paths.filter((p) => p === '/v1/models')).toHaveLength(1);
    const assistants = server!.requests.find((r) => r.path.startsWith('/v1/assistants'))!;
    expect(assistants.headers['openai-beta']).toBe('assistants=v2');
  });

  it('a restricted key without models:read is live, with models denied', async () => {
    const verification = await map('openai-project-key', fakeKey('openai-project', 22), (req, res) =>
      req.url === '/v1/models'
        ? openAiError(res, 403, null, missing('api.model.read'))
        : json(res, 200, LIST),
    );
    expect(verification).toMatchObject({ status: 'live', reason: 'restricted' });
    expect(verification.reach?.models).toBe('denied');
    expect(verification.reach?.files).toBe('reachable');
    expect(verification.reach?.inference).toBe('unknown');
  });

  it('admin keys map projects, users and admin keys', async () => {
    const verification = await map('openai-admin-key', fakeKey('openai-admin', 23), (req, res) => {
      if (req.url?.startsWith('/v1/organization/users'))
        return openAiError(res, 403, null, missing('api.organization.users.read'));
      return json(res, 200, LIST);
    });
    expect(verification.reach).toEqual({ admin_keys: 'reachable', projects: 'reachable', users: 'denied' });
    expect(server!.requests.map((r) => r.path).sort()).toEqual([
      '/v1/organization/admin_api_keys?limit=1',
      '/v1/organization/projects?limit=1',
      '/v1/organization/users?limit=1',
    ]);
  });

  it('sends no probes for a key that is not live', async () => {
    const verification = await map('openai-project-key', fakeKey('openai-project', 24), (_req, res) =>
      openAiError(res, 401, 'invalid_api_key', 'Incorrect API key provided'),
    );
    expect(verification.status).toBe('invalid');
    expect(verification.reach).toBeUndefined();
    expect(server!.requests).toHaveLength(1);
  });

  it('is off unless asked for', async () => {
    server = await startFakeProvider((_req, res) => json(res, 200, LIST));
    const secret = fakeKey('openai-project', 25);
    const results = await verifyAll([{ ruleId: 'openai-project-key', secret }], {
      baseUrls: { openai: server.url },
    });
    expect(results.get(secret)!.reach).toBeUndefined();
    expect(server.requests).toHaveLength(1);
  });
});
