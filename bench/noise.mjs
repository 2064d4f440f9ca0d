/**
 * Noise (DESIGN §4): keyward's default rules on real third-party code that holds no live keys, a pinned
 * set of popular npm packages installed into .bench/npm-corpus. Budget: at most 10 findings in all and
 * none under an `openai-` id. Every finding is listed (redacted, path:line) for precision work.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { countByRule, findingLine } from './lib/findings.mjs';
import { OPENAI_RG_PATTERN } from './lib/keys.mjs';
import { runKeyward } from './lib/keyward.mjs';
import { benchDir, benchPath, MB, REPO_ROOT, treeSize } from './lib/paths.mjs';
import { sh, timed } from './lib/proc.mjs';
import { fmt, printTable } from './lib/table.mjs';

const BUDGET = 10;
const SPEC_DIR = join(REPO_ROOT, 'bench', 'npm-corpus');
const SPEC_FILES = ['package.json', 'package-lock.json'];
/** Packages scanned in --quick mode (from an existing install only). */
const QUICK_PACKAGES = ['openai', '@anthropic-ai/sdk', 'stripe', 'lodash'];

function specHash() {
  const hash = createHash('sha256');
  for (const f of SPEC_FILES) hash.update(readFileSync(join(SPEC_DIR, f)));
  return hash.digest('hex');
}

/**
 * Installs the pinned packages unless the install matches the committed spec. Returns null or why not.
 * The precision bench scans the same install.
 */
export function ensureInstalled(dir, { install, quick, log }) {
  const stamp = join(dir, '.installed');
  const want = specHash();
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return null;
  if (quick) return 'not installed (run `pnpm bench noise` once: the npm install takes about 2 minutes)';
  if (!install) return 'not installed and --no-install given';
  log('noise: npm install of the pinned packages into .bench/npm-corpus (--ignore-scripts, about 2 minutes)');
  rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
  for (const f of SPEC_FILES) copyFileSync(join(SPEC_DIR, f), join(dir, f));
  // `npm install` with the committed lockfile, not `npm ci`: npm leaves other platforms' optional packages
  // out of lockfiles it writes on Linux, and `npm ci` then refuses them. Optional dependencies are platform
  // binaries that a scan skips anyway. Same flags as when the lockfile was made.
  const args = [
    'install',
    '--ignore-scripts',
    '--no-audit',
    '--no-fund',
    '--omit=optional',
    '--legacy-peer-deps',
    '--loglevel=error',
  ];
  const r = sh('npm', args, { cwd: dir, allowFail: true });
  if (r.status !== 0) {
    const first = (r.stderr || '').split('\n').find((l) => /error/i.test(l) && !/complete log/.test(l));
    return `npm install failed: ${(first ?? '').trim()}`;
  }
  writeFileSync(stamp, want);
  return null;
}

export async function noiseBench(ctx) {
  const { log, write } = ctx;
  const dir = benchDir('npm-corpus');
  const why = ensureInstalled(dir, ctx);
  if (why) {
    write(`\nNoise: ${why}\n`);
    return {
      skipped: why,
      targets: [
        { name: `noise: <= ${BUDGET} findings on npm packages, none openai-*`, measured: why, pass: null },
      ],
    };
  }
  const targets = ctx.quick
    ? QUICK_PACKAGES.map((p) => join('node_modules', p)).filter((p) => existsSync(join(dir, p)))
    : ['node_modules'];
  const size = targets
    .map((t) => treeSize(join(dir, t)))
    .reduce((a, b) => ({ bytes: a.bytes + b.bytes, files: a.files + b.files }));
  log(`noise: scanning ${(size.bytes / MB).toFixed(0)} MB in ${size.files} files`);
  const at = { cwd: dir };
  const out = (n) => benchPath('out', `noise-${n}`);
  timed('rg', ['--no-ignore', '--hidden', '-c', 'x', ...targets], at); // warm the page cache

  const kwN = runKeyward(['scan', '--no-ignore', '--format', 'json', ...targets], {
    ...at,
    json: true,
    out: out('kwN'),
  });
  const kw1 = runKeyward(['scan', '--no-ignore', '--format', 'json', '--jobs', '1', ...targets], {
    ...at,
    pin: true,
    json: true,
    out: out('kw1'),
  });
  const rg1 = timed('rg', ['-j1', '--no-ignore', '--hidden', '-n', OPENAI_RG_PATTERN, ...targets], {
    ...at,
    pin: true,
    stdout: out('rg1'),
  });
  const rows = [
    ['rg -j1, pinned (OpenAI pattern)', rg1],
    ['keyward --jobs 1, pinned', kw1],
    ['keyward (default jobs)', kwN],
  ].map(([label, r]) => {
    const ok = r.ok !== false && (r.code === 0 || r.code === 1);
    return [
      label,
      ok ? fmt.s(r.wallS) : 'not available',
      ok ? fmt.mbps(size.bytes / MB / r.wallS) : (r.reason ?? `exit ${r.code}`),
      ok ? fmt.mb(r.rssKB) : '-',
      ok && r !== rg1 ? fmt.ratio(size.bytes / MB / r.wallS / (size.bytes / MB / rg1.wallS)) : '-',
    ];
  });
  printTable(
    write,
    `Noise: ${fmt.mb(size.bytes / 1024)} of npm packages, ${size.files} files${ctx.quick ? ' (quick: a few packages)' : ''}`,
    ['tool', 'wall', 'MB/s', 'peak RSS', 'vs rg'],
    rows,
  );

  const report = kwN.ok ? kwN.report : kw1.ok ? kw1.report : null;
  if (!report) {
    const reason = kwN.reason ?? kw1.reason;
    write(`keyward: not available (${reason})\n`);
    return {
      bytes: size.bytes,
      files: size.files,
      targets: [{ name: `noise: <= ${BUDGET} findings in all`, measured: 'not available', pass: null }],
    };
  }
  const findings = report.findings;
  const perRule = countByRule(findings);
  const openai = findings.filter((f) => String(f.ruleId).startsWith('openai-'));
  write(
    `keyward reported ${findings.length} findings (scan: ${report.scan?.files ?? '?'} files, ${fmt.mb((report.scan?.bytes ?? 0) / 1024)}).\n`,
  );
  if (perRule.length > 0)
    printTable(
      write,
      'Findings per rule',
      ['rule', 'count'],
      perRule.map(([r, n]) => [r, String(n)]),
    );
  const lines = findings.map((f) => findingLine(f, dir)).sort();
  const shown = 100;
  if (lines.length > 0)
    write(
      `\nFindings (redacted):\n${lines
        .slice(0, shown)
        .map((l) => `  ${l}`)
        .join('\n')}\n`,
    );
  if (lines.length > shown) write(`  … and ${lines.length - shown} more in results.json\n`);
  return {
    bytes: size.bytes,
    files: size.files,
    quick: ctx.quick,
    scanned: report.scan,
    total: findings.length,
    perRule: Object.fromEntries(perRule),
    findings: lines,
    timings: { rg1: rg1.wallS, kw1: kw1.ok ? kw1.wallS : null, kwN: kwN.wallS },
    targets: [
      {
        name: `noise: <= ${BUDGET} findings in all on npm packages`,
        measured: `${findings.length}`,
        pass: findings.length <= BUDGET,
      },
      {
        name: 'noise: no finding under an openai- id',
        measured: `${openai.length}`,
        pass: openai.length === 0,
      },
    ],
  };
}
