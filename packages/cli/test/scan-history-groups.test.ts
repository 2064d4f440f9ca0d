import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepo, fakeKey, GIT_ENV, runCli, type TempRepo } from '@keyward/test-utils';

const PROJECT = fakeKey('openai-project', 611);
const ADMIN = fakeKey('openai-admin', 612);

let r: TempRepo;
const c: string[] = [];

/**
 * The project key in four versions of `.env` (added, edited twice, removed, added again) and in
 * `config/prod.env`: five blobs, one key. The admin key once, in `src/admin.ts`.
 */
beforeAll(() => {
  r = createRepo();
  const day = (n: number) => `2026-02-0${n}T10:00:00Z`;
  c[1] = r.commit('add key', { '.env': `OPENAI_API_KEY=${PROJECT}\n` }, day(1));
  c[2] = r.commit('debug', { '.env': `OPENAI_API_KEY=${PROJECT}\nDEBUG=1\n` }, day(2));
  c[3] = r.commit('prod', { 'config/prod.env': `KEY=${PROJECT}\nMODE=prod\n` }, day(3));
  c[4] = r.commit('no debug', { '.env': `OPENAI_API_KEY=${PROJECT}\nDEBUG=0\n` }, day(4));
  c[5] = r.commit('admin', { 'src/admin.ts': `export const admin = "${ADMIN}";\n` }, day(5));
  c[6] = r.commit('remove key', { '.env': 'OPENAI_API_KEY=\nDEBUG=0\n' }, day(6));
  c[7] = r.commit('add it back', { '.env': `OPENAI_API_KEY=${PROJECT}\nDEBUG=2\n` }, day(7));
});
afterAll(() => r?.cleanup());

const scan = (...argv: string[]) => runCli(['scan', ...argv], { cwd: r.dir, env: GIT_ENV });
const short = (n: number) => c[n]!.slice(0, 12);
/** Column padding as one space. */
const spaced = (text: string) => text.trimEnd().replace(/ {2,}/g, ' ').split('\n');
const ADMIN_COLUMN = 'export const admin = "'.length + 1;

describe('keyward scan --history, text', () => {
  it('shows a key found in five blobs as one entry with its first and last commit and its paths', async () => {
    const result = await scan('--history');
    expect(result.code).toBe(1);
    expect(spaced(result.stdout)).toEqual([
      `critical openai-admin-key sk-admin-…${ADMIN.slice(-4)} src/admin.ts:1:${ADMIN_COLUMN} · still at HEAD`,
      ` commit ${short(5)} (Ada Tester, 2026-02-05)`,
      `high openai-project-key sk-proj-…${PROJECT.slice(-4)} 5 places · still at HEAD`,
      ` first ${short(1)} (Ada Tester, 2026-02-01) in .env`,
      ` last ${short(7)} (Ada Tester, 2026-02-07) in .env`,
      ' paths .env, config/prod.env',
    ]);
    expect(result.stderr).toMatch(/^keyward: 2 secrets found in 6 places \(1 critical, 1 high\) · /);
    expect(result.stdout + result.stderr).not.toContain(PROJECT);
    expect(result.stdout + result.stderr).not.toContain(ADMIN);
  });

  it('keeps every occurrence in JSON', async () => {
    const result = await scan('--history', '--format', 'json');
    expect(result.code).toBe(1);
    const { findings } = JSON.parse(result.stdout) as {
      findings: Array<{ ruleId: string; path: string; commit: string }>;
    };
    const project = findings.filter((f) => f.ruleId === 'openai-project-key');
    expect(project.map((f) => [f.commit, f.path]).sort()).toEqual(
      [
        [c[1], '.env'],
        [c[2], '.env'],
        [c[3], 'config/prod.env'],
        [c[4], '.env'],
        [c[7], '.env'],
      ].sort(),
    );
    expect(findings).toHaveLength(6);
  });

  it('with --reveal prints each full key once', async () => {
    const result = await scan('--history', '--reveal');
    expect(result.stdout.split(PROJECT)).toHaveLength(2);
    expect(result.stdout.split(ADMIN)).toHaveLength(2);
    expect(result.stdout).not.toContain(`sk-proj-…${PROJECT.slice(-4)}`);
  });
});

describe('keyward scan --range, text', () => {
  it('groups a key that two commits of the range added', async () => {
    const result = await scan('--range', `${c[1]}..HEAD`);
    expect(result.code).toBe(1);
    // c2 and c4 only edit the line below the key: not added there. c3 and c7 add it.
    expect(spaced(result.stdout)).toEqual([
      `critical openai-admin-key sk-admin-…${ADMIN.slice(-4)} src/admin.ts:1:${ADMIN_COLUMN}`,
      ` commit ${short(5)} (Ada Tester, 2026-02-05)`,
      `high openai-project-key sk-proj-…${PROJECT.slice(-4)} 2 places`,
      ` first ${short(3)} (Ada Tester, 2026-02-03) in config/prod.env`,
      ` last ${short(7)} (Ada Tester, 2026-02-07) in .env`,
      ' paths .env, config/prod.env',
    ]);
    expect(result.stderr).toMatch(/^keyward: 2 secrets found in 3 places \(1 critical, 1 high\) · /);
  });
});
