/**
 * Fleet audit (issue 19): `keyward fleet <list> --jobs 2` over the history bench's corpora (bare mirrors
 * under /work/.mirror, and the generated histories) plus a dozen small generated repositories, against
 * the same repositories audited one `keyward scan --history` at a time. Targets: the fleet's wall time
 * <= 0.6x the sum of the separate audits, and its peak memory (keyward's own process, all threads) <= the
 * largest single audit's + 50 MB. Both runs must find the same keys in each repository.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureHistoryRepo } from './lib/history-repo.mjs';
import { runKeyward } from './lib/keyward.mjs';
import { benchDir, benchPath } from './lib/paths.mjs';
import { fmt, printTable } from './lib/table.mjs';

const MIRRORS = '/work/.mirror';
/** Real histories of a few hundred MB at most (git.git alone would be most of the run). */
const REAL = {
  quick: ['gitleaks+gitleaks'],
  full: ['gitleaks+gitleaks', 'openai+openai-agents-python', 'trufflesecurity+trufflehog'],
};
const GENERATED = {
  quick: [],
  full: [{ name: 'mid', files: 2000, commits: 3000, seed: 12 }],
};
const SMALL = { count: 12, files: 150, commits: 120 };
const MEMORY_SLACK_KB = 50 * 1024;

/** A report's keys per repository: `repository fingerprint` lines, sorted. */
function keys(file, name) {
  try {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    return report.findings.map((f) => `${f.repository ?? name} ${f.fingerprint}`);
  } catch {
    return null;
  }
}

/** The repositories of the bench: the mirrors present, the generated histories, a dozen small ones. */
async function corpus(ctx) {
  const mode = ctx.quick ? 'quick' : 'full';
  const repos = [];
  for (const name of REAL[mode]) {
    const dir = join(MIRRORS, name, 'repo');
    if (existsSync(join(dir, 'HEAD'))) repos.push({ name, dir });
    else ctx.log(`fleet: ${name} is not mirrored here; left out`);
  }
  const root = benchDir('fleet');
  for (const g of GENERATED[mode]) {
    await ensureHistoryRepo({ dir: join(benchDir('history'), `gen-${g.name}.git`), ...g, log: ctx.log });
    repos.push({ name: `gen-${g.name}`, dir: join(benchDir('history'), `gen-${g.name}.git`) });
  }
  const small = ctx.quick ? 4 : SMALL.count;
  for (let i = 0; i < small; i++) {
    const dir = join(root, `small-${i}.git`);
    await ensureHistoryRepo({ dir, seed: 100 + i, files: SMALL.files, commits: SMALL.commits, log: ctx.log });
    repos.push({ name: `small-${i}`, dir });
  }
  return repos;
}

export async function fleetBench(ctx) {
  const repos = await corpus(ctx);
  const out = (name) => benchPath('out', `fleet-${name}.json`);
  const list = benchPath('fleet-list.txt');
  writeFileSync(list, `# keyward bench fleet\n${repos.map((r) => r.dir).join('\n')}\n`);
  const separately = () =>
    repos.map((repo) => {
      const run = runKeyward(['scan', '--history', '--format', 'json', '-q', '--output', out(repo.name)], {
        cwd: repo.dir,
      });
      return { repo, run, keys: keys(out(repo.name), repo.dir) };
    });
  const together = () =>
    runKeyward(['fleet', list, '--jobs', '2', '--format', 'json', '-q', '--output', out('all')], {
      cwd: benchDir('fleet'),
    });
  // With --reps, rounds alternate the separate audits and the fleet (this machine's speed moves by 15-20%
  // over minutes), and the round with the median ratio is reported, every round listed.
  const reps = ctx.reps ?? 1;
  const rounds = [];
  for (let i = 0; i < reps; i++) {
    ctx.log(
      `fleet: round ${i + 1} of ${reps}: ${repos.length} repositories one at a time, then as one fleet`,
    );
    const parts = separately();
    const whole = together();
    const total = parts.reduce((s, x) => s + x.run.wallS, 0);
    rounds.push({ separate: parts, fleet: whole, ratio: whole.wallS / total, sum: total });
  }
  const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor((rounds.length - 1) / 2)];
  const { separate, fleet } = median;
  if (reps > 1) {
    const each = rounds.map((r) => `${fmt.s(r.fleet.wallS)} / ${fmt.s(r.sum)} = ${fmt.ratio(r.ratio)}`);
    ctx.write(`Rounds (fleet / sum of separate audits): ${each.join('; ')}; the median round is reported\n`);
  }
  const fleetKeys = keys(out('all'), '');
  // Exit 3 is a partial clone among the mirrors (a repository's missing objects): timed all the same.
  const ran = (r) => [0, 1, 3].includes(r.code) && r.wallS !== undefined;
  const sum = separate.reduce((s, x) => s + x.run.wallS, 0);
  const largest = Math.max(...separate.map((x) => x.run.nodeRssKB ?? 0));
  const same =
    fleetKeys !== null &&
    separate.every((x) => x.keys !== null) &&
    JSON.stringify([...new Set(fleetKeys)].sort()) ===
      JSON.stringify([...new Set(separate.flatMap((x) => x.keys))].sort());

  printTable(
    ctx.write,
    `Fleet: ${repos.length} repositories (${repos.length - (ctx.quick ? 4 : SMALL.count)} bench corpora, ${ctx.quick ? 4 : SMALL.count} small generated)`,
    ['run', 'wall', "keyward's own peak RSS", 'exit'],
    [
      ...separate.map((x) => [
        `scan --history ${x.repo.name}`,
        fmt.s(x.run.wallS),
        fmt.mb(x.run.nodeRssKB),
        String(x.run.code),
      ]),
      ['sum of the separate audits', fmt.s(sum), `${fmt.mb(largest)} (largest)`, ''],
      ['fleet --jobs 2', fmt.s(fleet.wallS), fmt.mb(fleet.nodeRssKB), String(fleet.code)],
    ],
  );
  ctx.write(`Same keys in every repository, fleet and separate: ${same ? 'yes' : 'NO'}\n`);
  const ok = ran(fleet) && separate.every((x) => ran(x.run));
  return {
    repositories: repos.map((r) => r.name),
    separate: separate.map((x) => ({ name: x.repo.name, wallS: x.run.wallS, nodeRssKB: x.run.nodeRssKB })),
    fleet: { wallS: fleet.wallS, nodeRssKB: fleet.nodeRssKB, code: fleet.code },
    rounds: rounds.map((r) => ({ fleetS: r.fleet.wallS, separateS: r.sum, ratio: r.ratio })),
    sameKeys: same,
    targets: [
      {
        name: 'fleet --jobs 2 wall <= 0.6x the sum of separate audits',
        measured: ok
          ? `${fmt.ratio(fleet.wallS / sum)} (${fmt.s(fleet.wallS)} vs ${fmt.s(sum)})`
          : 'not available',
        pass: ok ? fleet.wallS <= 0.6 * sum : null,
      },
      {
        name: "fleet peak RSS <= largest single audit's + 50 MB",
        measured: ok ? `${fmt.mb(fleet.nodeRssKB)} vs ${fmt.mb(largest)} + 50 MB` : 'not available',
        pass: ok && fleet.nodeRssKB ? fleet.nodeRssKB <= largest + MEMORY_SLACK_KB : null,
      },
      { name: 'fleet finds the same keys as the separate audits', measured: same ? 'yes' : 'no', pass: same },
    ],
  };
}
