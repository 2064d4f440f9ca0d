import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepo, fakeKey, GIT_ENV, runCli, tempDir, type TempRepo } from '@keyward/test-utils';
import {
  json,
  openAiError,
  startFakeProvider,
  type FakeProvider,
} from '../../verifier/test/fake-provider.js';
import { announceSkip, CHROMIUM_PATH, ensureChromium } from './audit-tools.js';

const PROJECT = fakeKey('openai-project', 801); // live, with a missing scope
const ADMIN = fakeKey('openai-admin', 802); // revoked
const SVCACCT = fakeKey('openai-svcacct', 803); // undecided (IP allowlist)
const KEYS = [PROJECT, ADMIN, SVCACCT];
/** A file name that would be markup if the page did not escape it. */
const HOSTILE = '<img src=x onerror=alert(1)>.env';

const chromium = ensureChromium();
announceSkip(chromium, 'the Chromium checks of the HTML audit');

let openai: FakeProvider;
let r: TempRepo;
let dir: string;
const c: Record<string, string> = {};

/**
 * main: the project key committed, edited, removed; feature (from the edit): the admin key; main: the
 * service-account key under a hostile file name; feature merged into main.
 */
beforeAll(async () => {
  openai = await startFakeProvider((req, res) => {
    const auth = req.headers.authorization;
    if (auth === `Bearer ${PROJECT}`) {
      if (req.url?.startsWith('/v1/batches'))
        return openAiError(res, 403, null, 'Missing scopes: api.batch.read');
      return json(res, 200, { object: 'list', data: [] });
    }
    if (auth === `Bearer ${ADMIN}`)
      return openAiError(res, 401, 'invalid_api_key', 'Incorrect API key provided');
    return openAiError(res, 401, null, 'IP not authorized for this project');
  });
  dir = tempDir();
  r = createRepo();
  c.add = r.commit('add key', { '.env': `OPENAI_API_KEY=${PROJECT}\n` }, '2026-01-02T00:00:00Z');
  c.edit = r.commit('edit', { '.env': `OPENAI_API_KEY=${PROJECT}\nDEBUG=1\n` }, '2026-01-03T00:00:00Z');
  r.git('branch', 'feature');
  c.remove = r.commit('remove key', { '.env': 'OPENAI_API_KEY=\nDEBUG=1\n' }, '2026-01-05T00:00:00Z');
  r.git('checkout', '-q', 'feature');
  c.admin = r.commit(
    'admin',
    { 'config/admin.ts': `export const admin = "${ADMIN}";\n` },
    '2026-01-06T00:00:00Z',
  );
  r.git('checkout', '-q', 'main');
  c.hostile = r.commit('svc', { [HOSTILE]: `KEY=${SVCACCT}\n` }, '2026-01-07T00:00:00Z');
  c.merge = r.merge('feature', 'merge feature', '2026-01-08T00:00:00Z');
});

afterAll(async () => {
  await openai?.close();
  r?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function audit(
  file: string,
  extra: string[] = [],
): Promise<{ code: number; html: string; stderr: string }> {
  const result = await runCli(
    ['scan', '--history', '--verify', '--blast-radius', '--format', 'html', '--output', file, ...extra],
    { cwd: r.dir, env: { ...GIT_ENV, KEYWARD_OPENAI_BASE_URL: openai.url } },
  );
  return { code: result.code, html: readFileSync(file, 'utf8'), stderr: result.stderr };
}

describe('keyward scan --history --format html', () => {
  it('writes one self-contained page: redacted, escaped, no scripts, nothing to load', async () => {
    const { code, html } = await audit(join(dir, 'plain.html'));
    expect(code).toBe(1);
    for (const key of KEYS) {
      expect(html).not.toContain(key);
      expect(html).toContain(`…${key.slice(-4)}`);
    }
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('Content-Security-Policy" content="default-src \'none\'');
    // Nothing the browser would fetch: no scripts, stylesheets, images, frames, forms or CSS imports.
    expect(html).not.toMatch(/<(?:script|link|img|iframe|object|embed|form|video|audio|source)\b/i);
    expect(html).not.toMatch(/<[a-z][^>]*\s(?:src|srcset|action|poster|data|background)\s*=/i);
    expect(html).not.toMatch(/<[a-z][^>]*\shref="(?!#)/i);
    expect(html).not.toMatch(/url\(|@import/i);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;.env');
  });

  it('shows the full keys only with --reveal, and then says to treat the file as a secret (0600)', async () => {
    const file = join(dir, 'reveal.html');
    const { html } = await audit(file, ['--reveal']);
    for (const key of KEYS) expect(html).toContain(key);
    expect(html).toContain('This report shows the full keys (--reveal)');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('says "No keys found" for a clean history (exit 0)', async () => {
    const clean = createRepo();
    try {
      clean.commit('clean', { 'README.md': 'hello\n' });
      const file = join(dir, 'clean.html');
      const result = await runCli(['scan', '--history', '--format', 'html', '--output', file], {
        cwd: clean.dir,
        env: GIT_ENV,
      });
      expect(result.code).toBe(0);
      const html = readFileSync(file, 'utf8');
      expect(html).toContain('<title>keyward audit: no keys found</title>');
      expect(html).toContain('No keys found.');
    } finally {
      clean.cleanup();
    }
  });

  it.skipIf(!chromium.ready)(
    'reads right to a person in Chromium: summary, timeline, keys, verdicts, steps; loads nothing else',
    async () => {
      const file = join(dir, 'audit.html');
      await audit(file);
      const { chromium: browserType } = await import('playwright-core');
      const profile = join(dir, 'profile');
      mkdirSync(profile);
      const context = await browserType.launchPersistentContext(profile, {
        executablePath: CHROMIUM_PATH,
        headless: true,
        javaScriptEnabled: false, // the page must read without scripts
        viewport: { width: 1280, height: 900 },
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      try {
        const url = pathToFileURL(file).href;
        const requested: string[] = [];
        await context.route('**/*', (route) =>
          route.request().url() === url ? route.continue() : route.abort(),
        );
        const page = await context.newPage();
        page.on('request', (request) => requested.push(request.url()));
        await page.goto(url, { waitUntil: 'load' });

        expect(requested).toEqual([url]);
        await expect(page.title()).resolves.toBe('keyward audit: 3 keys');
        const card = (label: string) => page.locator('.card', { hasText: label }).locator('.num').innerText();
        expect(await card('keys found')).toBe('3');
        expect(await page.locator('.card', { hasText: 'still live' }).innerText()).toBe(
          '1\nstill live (of 3 verified)',
        );
        expect(await card('still present at HEAD')).toBe('2');
        expect(await card('occurrences')).toBe('4');
        const types = await page.locator('table.types tbody tr').allInnerTexts();
        expect(types.map((row) => row.split('\t').map((cell) => cell.trim()))).toEqual([
          ['OpenAI admin API key\nopenai-admin-key', 'CRITICAL', '1', '0 of 1', '1', '1'],
          ['OpenAI project API key\nopenai-project-key', 'HIGH', '1', '1 of 1', '0', '2'],
          ['OpenAI service-account API key\nopenai-service-account-key', 'HIGH', '1', '0 of 1', '1', '1'],
        ]);

        // The timeline: the project key left main on 2026-01-05 but is still at feature's tip; the admin
        // key came onto main with the merge.
        const timeline = await page.locator('table.timeline tbody tr').allInnerTexts();
        const rows = timeline.map((row) => row.replace(/\s+/g, ' ').trim());
        expect(rows).toEqual([
          expect.stringMatching(
            new RegExp(
              `^OpenAI admin API key sk-admin-…${ADMIN.slice(-4)} main 2026-01-08 ${c.merge!.slice(0, 12)} Ada Tester still at the tip$`,
            ),
          ),
          `feature 2026-01-06 ${c.admin!.slice(0, 12)} Ada Tester still at the tip`,
          `OpenAI project API key sk-proj-…${PROJECT.slice(-4)} main 2026-01-02 ${c.add!.slice(0, 12)} Ada Tester 2026-01-05 ${c.remove!.slice(0, 12)} Ada Tester`,
          `feature 2026-01-02 ${c.add!.slice(0, 12)} Ada Tester still at the tip`,
          expect.stringMatching(
            /^OpenAI service-account API key sk-svcacct-…\S{4} main 2026-01-07 \S{12} Ada Tester still at the tip$/,
          ),
        ]);
        expect(await page.locator('.seg.open').count()).toBe(4);

        // One card per key, worst first, each with its verdict, where it was found and its steps.
        const keys = page.locator('article.key');
        expect(await keys.count()).toBe(3);
        const heads = await keys.locator('h3').allInnerTexts();
        expect(heads.map((h) => h.replace(/\s+/g, ' '))).toEqual([
          `1. CRITICAL OpenAI admin API key sk-admin-…${ADMIN.slice(-4)} INVALID`,
          `2. HIGH OpenAI project API key sk-proj-…${PROJECT.slice(-4)} LIVE`,
          `3. HIGH OpenAI service-account API key sk-svcacct-…${SVCACCT.slice(-4)} UNKNOWN`,
        ]);
        const project = keys.nth(1);
        const facts = await project.locator('dl.facts').innerText();
        expect(facts).toContain(`2026-01-02 in ${c.add!.slice(0, 12)} by Ada Tester, .env:1`);
        expect(facts).toContain(`2026-01-03 in ${c.edit!.slice(0, 12)} by Ada Tester, .env:1`); // last committed
        expect(facts).toContain('2 occurrences in 1 path: .env');
        expect(facts).toContain('no longer at HEAD (still in the history)');
        const reach = await project.locator('table.reach tbody tr').allInnerTexts();
        expect(reach).toContain('batches\tdenied');
        expect(reach).toContain('files\treachable');
        const found = await project.locator('table.occurrences tbody tr').allInnerTexts();
        expect(found.map((row) => row.split('\t')[0])).toEqual([c.add!.slice(0, 12), c.edit!.slice(0, 12)]);
        const steps = await project.locator('ol.steps > li').allInnerTexts();
        expect(steps.map((s) => s.split('.')[0])).toEqual([
          'Revoke',
          'Rotate where it is used',
          'Check usage for the exposure window',
          'Purge it from the history',
        ]);
        expect(steps[0]).toContain('platform.openai.com/api-keys');
        expect(steps[0]).toContain('verified live: do this now');
        expect(steps[2]).toContain(`from 2026-01-02 (commit ${c.add!.slice(0, 12)})`);
        // The hostile file name is text, not an element.
        expect(await page.locator('img').count()).toBe(0);
        expect(await keys.nth(2).locator('table.occurrences').innerText()).toContain(`${HOSTILE}:1:5`);

        const purge = await page.locator('#purge').innerText();
        expect(purge).toContain('Rotate first');
        expect(purge).toContain('git filter-repo --replace-text');
        expect(purge).toContain('git push --force --all origin');
        const text = await page.locator('body').innerText();
        for (const key of KEYS) expect(text).not.toContain(key);

        const shot = join(dir, 'audit.png');
        await page.screenshot({ path: shot, fullPage: true });
        const png = readFileSync(shot);
        expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
        expect(png.length).toBeGreaterThan(20_000);
        if (process.env.KEYWARD_AUDIT_SCREENSHOT) copyFileSync(shot, process.env.KEYWARD_AUDIT_SCREENSHOT);

        // Printable: the navigation is dropped on paper, the content stays.
        await page.emulateMedia({ media: 'print' });
        expect(await page.locator('nav').isVisible()).toBe(false);
        expect(await page.locator('#keys').isVisible()).toBe(true);
        expect(requested).toEqual([url]);
      } finally {
        await context.close();
      }
    },
    60_000,
  );
});
