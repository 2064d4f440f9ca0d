import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '@keyward/core';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createRepo, fakeKey, tempDir, type TempRepo } from '@keyward/test-utils';
import { secretsAtHead } from '../src/history/at-head.js';
import { ENV } from './helpers.js';

const KEY = { kept: fakeKey('openai-project', 611), gone: fakeKey('openai-admin', 612) };
/** A value only a secret-like name makes a finding (a generic one): at HEAD it sits under another name. */
const VALUE = ['q7Vz2LmN9x', 'R4tK8wB3hJ6cF1'].join(''); // built here: no key-like literal in the source

let repo: TempRepo;
let blob: { kept: string; gone: string; generic: string };

beforeAll(() => {
  repo = createRepo();
  repo.commit('keys', {
    'a.env': `OPENAI_API_KEY=${KEY.kept}\n`,
    'b.env': `ADMIN_KEY=${KEY.gone}\n`,
    'c.env': `password = "${VALUE}"\n`,
  });
  blob = {
    kept: repo.git('rev-parse', 'HEAD:a.env'),
    gone: repo.git('rev-parse', 'HEAD:b.env'),
    generic: repo.git('rev-parse', 'HEAD:c.env'),
  };
  // HEAD keeps a.env, drops the admin key, and keeps the generic value without its name.
  repo.git('rm', '-q', 'b.env');
  repo.commit('rotate', { 'c.env': `default = "${VALUE}"\n` });
});
afterAll(() => repo.cleanup());

/** A history finding before resolve: its path is the blob id. */
const finding = (secret: string, blobId: string, ruleId: string): Finding =>
  ({ ruleId, secret, path: blobId }) as Finding;

const context = () => ({ cwd: repo.dir, env: ENV });

describe('secretsAtHead', () => {
  it('answers keys that stand alone from the blobs of HEAD, searching only for the others', async () => {
    const findings = [
      finding(KEY.kept, blob.kept, 'openai-project-key'),
      finding(KEY.gone, blob.gone, 'openai-admin-key'),
      finding(VALUE, blob.generic, 'generic-secret'),
    ];
    const present = await secretsAtHead(context(), findings, {
      scannedAll: true,
      standsAlone: (f) => f.ruleId !== 'generic-secret',
    });
    // The generic value is still at HEAD, under a name the rule would not take: the search finds it.
    expect([...present].sort()).toEqual([KEY.kept, VALUE].sort());
  });

  it('trusts the scan for a key that stands alone: no search for it', async () => {
    // Contrived: the finding names a blob outside HEAD, though the key is in HEAD's a.env. Without a search
    // the answer is "not present", which shows no search ran.
    const findings = [finding(KEY.kept, blob.gone, 'openai-project-key')];
    const trusted = await secretsAtHead(context(), findings, {
      scannedAll: true,
      standsAlone: () => true,
    });
    expect(trusted.size).toBe(0);
    // When not every blob was scanned (--branch, a shard, a size cap), the search decides.
    const searched = await secretsAtHead(context(), findings, {
      scannedAll: false,
      standsAlone: () => true,
    });
    expect([...searched]).toEqual([KEY.kept]);
  });

  it('takes any secret found in a blob of HEAD as present, with no search', async () => {
    const traces = tempDir();
    try {
      const file = join(traces, 'trace');
      const atHeadBlob = repo.git('rev-parse', 'HEAD:c.env');
      const findings = [finding(VALUE, atHeadBlob, 'generic-secret')];
      const present = await secretsAtHead({ cwd: repo.dir, env: { ...ENV, GIT_TRACE: file } }, findings, {
        scannedAll: false,
      });
      expect([...present]).toEqual([VALUE]);
      const trace = readFileSync(file, 'utf8');
      expect(trace).toContain('ls-tree');
      expect(trace).not.toMatch(/ grep /);
    } finally {
      rmSync(traces, { recursive: true, force: true });
    }
  });

  it('says nothing is at HEAD when there is no commit yet', async () => {
    const empty = createRepo();
    try {
      const findings = [finding(KEY.kept, blob.kept, 'openai-project-key')];
      const options = { cwd: empty.dir, env: ENV };
      const trusted = await secretsAtHead(options, findings, {
        scannedAll: true,
        standsAlone: () => true,
      });
      expect(trusted.size).toBe(0);
      expect((await secretsAtHead(options, findings, { scannedAll: false })).size).toBe(0);
    } finally {
      empty.cleanup();
    }
  });
});
