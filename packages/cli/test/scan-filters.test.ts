import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomString, rng, runCli, tempDir } from '@keyward/test-utils';

/**
 * keyward's precision filters at the command line: what they hide is counted in the summary by filter, and
 * `--no-filters` reports it, each finding with its filter and reason, so reviewers can audit the filters.
 */

let dir: string;
const write = (files: Record<string, string>) => {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
};
const scan = (...argv: string[]) => runCli(['scan', ...argv], { cwd: dir });

beforeEach(() => {
  dir = tempDir();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// Encoded at test time, like git.git's t/t5563-simple-http-auth.sh: base64 of test words.
const testWords = Buffer.from('alice:secret-passwd').toString('base64');
const projectKey = `phc_${randomString(rng(31), 'alnum', 43)}`;
const realPassword = Buffer.from(`deploy:${randomString(rng(32), 'alnum', 20)}`).toString('base64');

describe('keyward scan: precision filters', () => {
  beforeEach(() =>
    write({
      't/http-auth.sh': `\tcredential=${testWords}\n`,
      'src/telemetry.ts': `posthog.init('${projectKey}', { api_host: 'https://us.i.posthog.com' });\n`,
    }),
  );

  it('hides encoded test words and public keys, and counts them by filter in the summary', async () => {
    const r = await scan();
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /no secrets found · .* · suppressed 2 \(1 (encoded text|public key), 1 (public key|encoded text)\)/,
    );
  });

  it('still reports an encoded random password beside them, with the encoded span as the secret', async () => {
    write({ 'deploy/ci.env': `AUTH_TOKEN=${realPassword}\n` });
    const r = await scan('--format', 'json', '--reveal');
    expect(r.code).toBe(1);
    const { findings } = JSON.parse(r.stdout);
    expect(findings.map((f: { path: string; secret: string }) => [f.path, f.secret])).toEqual([
      ['deploy/ci.env', realPassword],
    ]);
  });

  it('--no-filters reports what each filter hid, with its filter and reason', async () => {
    const r = await scan('--no-filters', '--format', 'json');
    expect(r.code).toBe(1);
    const { findings } = JSON.parse(r.stdout);
    expect(
      findings.map((f: { ruleId: string; path: string; filtered: { filter: string } }) => [
        f.ruleId,
        f.path,
        f.filtered.filter,
      ]),
    ).toEqual([
      ['posthog-project-api-key', 'src/telemetry.ts', 'public-key'],
      ['generic-secret', 't/http-auth.sh', 'encoded-text'],
    ]);
    expect(findings[1].filtered.reason).toBe('base64 of user:password made of words');
    expect(r.stdout).not.toContain('alice');
    const text = await scan('--no-filters');
    expect(text.stdout).toContain('encoded-text filter: base64 of user:password made of words');
    expect(text.stderr).not.toContain('suppressed');
  });

  it('leaves allow comments in force with the filters off', async () => {
    write({ 't/http-auth.sh': `\tcredential=${testWords} # keyward:allow\n` });
    const r = await scan('--no-filters', '--format', 'json');
    const { findings } = JSON.parse(r.stdout);
    expect(findings.map((f: { path: string }) => f.path)).toEqual(['src/telemetry.ts']);
  });
});
