/**
 * Memory and time against history size (issue 18): generated histories of small blobs (git fast-import,
 * 100 blobs a commit: each commit rewrites 100 files of a 10,000-file tree in 100 folders, so trees are
 * wide and churn on every commit), 0.1, 1 and 2 million blobs by default (KEYWARD_HISTORY_SCALE=0.1,1,10 for
 * the 10-million case: several minutes to build, ~1 GB). For each size, with no key anywhere, with four
 * keys planted across it and with two planted early: `keyward scan --history` wall time and keyward's own peak RSS (its Node process,
 * threads included; git's children apart), against git listing every object and reading every blob
 * (`cat-file --batch-all-objects --unordered --batch-check`, then `--batch` of the blobs in that order: pack
 * order, as keyward reads them), the floor a history audit cannot go under. (Until 2026-12-06 the floor
 * listed in id order: at 10 million blobs that took 280 s against 125 s in pack order, since reading in id
 * order defeats git's delta cache, so it flattered keyward at the largest size.) Writes the curve (objects, seconds, MB, bytes per object) into the results.
 *
 * Targets: the peak grows by at most 64 bytes per object beyond a fixed base (the slope between the two
 * largest sizes: both read by worker threads, whose ~35 MB each are part of that base, where 0.1 million is
 * read in one thread); 10x the objects at most 12x the time (a pair of sizes 10x apart, else the two
 * largest scaled); at 1 million blobs within 1.5x the list+read floor; keys early cost little more than none.
 * With --reps, the history with no key, its floor and the one with early keys alternate, so both ratios
 * compare runs made minutes apart at most (a single early run against the median of three gave 1.43x and
 * 1.16-1.22x within half an hour on this VM).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fakeKey, rng } from './lib/keys.mjs';
import { runKeyward } from './lib/keyward.mjs';
import { benchDir, benchPath } from './lib/paths.mjs';
import { interleaved, sh, timedShell } from './lib/proc.mjs';
import { fmt, printTable } from './lib/table.mjs';

const GIT_ENV = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
const BLOBS_PER_COMMIT = 100;
const FILES = 10_000;
const FOLDERS = 100;
const VERSION = 3;
const MAX_BYTES_PER_OBJECT = 64;
const MAX_TIME_GROWTH = 12;
const MAX_FLOOR_RATIO = 1.5;
/** Keys early in the history: attributing them needs the start of the walk only (issue 18). */
const MAX_EARLY_RATIO = 1.25;

/**
 * Where keys are planted, as fractions of the history's commits: none; four across it (the last at 95%,
 * so attributing them needs nearly the whole walk); two early (the walk can stop at 10%).
 */
const PLANTS = { none: [], spread: [0.1, 0.4, 0.7, 0.95], early: [0.05, 0.1] };

/** Builds (or reuses) a bare history of `blobs` blobs, with keys planted as `keys` says (PLANTS). */
export async function ensureScaleRepo(dir, blobs, keys) {
  const stamp = `${dir}.stamp.json`;
  // The stamps of histories built before the early variant said `keys: true` or `false`.
  const want = { version: VERSION, blobs, keys: keys === 'none' ? false : keys === 'spread' ? true : keys };
  if (existsSync(stamp) && existsSync(dir) && readFileSync(stamp, 'utf8') === JSON.stringify(want)) return;
  rmSync(dir, { recursive: true, force: true });
  sh('git', ['init', '-q', '--bare', '--initial-branch=main', dir], { env: GIT_ENV });
  const fi = spawn('git', ['fast-import', '--quiet'], {
    cwd: dir,
    env: { ...process.env, ...GIT_ENV },
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  const exited = once(fi, 'close');
  const write = async (s) => {
    if (!fi.stdin.write(s)) await once(fi.stdin, 'drain');
  };
  const next = rng(blobs);
  const commits = Math.ceil(blobs / BLOBS_PER_COMMIT);
  const plantAt = new Set(PLANTS[keys].map((f) => Math.floor(f * commits)));
  let planted = 0;
  for (let c = 0; c < commits; c++) {
    let body = `commit refs/heads/main\ncommitter Bench <bench@example.test> ${1_700_000_000 + c * 60} +0000\ndata 9\ncommit ${c % 10}\n`;
    for (let b = 0; b < BLOBS_PER_COMMIT; b++) {
      const file = Math.floor(next() * FILES);
      // Small and unique: the commit, the slot and a random word make every blob new.
      const text = `// file ${file}, commit ${c}\nexport const v${b} = ${Math.floor(next() * 1e9)};\n`;
      body += `M 100644 inline d${file % FOLDERS}/f${file}.ts\ndata ${Buffer.byteLength(text)}\n${text}\n`;
    }
    // A key in a file of its own (a random slot could be written again in the same commit, and lost).
    if (plantAt.has(c)) {
      const text = `OPENAI_API_KEY=${fakeKey('openai-project', 9000 + planted)}\n`;
      body += `M 100644 inline config/k${planted++}.env\ndata ${Buffer.byteLength(text)}\n${text}\n`;
    }
    await write(body);
  }
  fi.stdin.end();
  await exited;
  // fast-import's own pack as it is: a full repack of millions of objects costs minutes and changes nothing
  // the bench measures (every blob is new, none deltifies against another worth keeping).
  writeFileSync(stamp, JSON.stringify(want));
}

function objectCount(dir) {
  const out = sh('git', ['count-objects', '-v'], { cwd: dir, env: GIT_ENV }).stdout;
  return Number(/in-pack: (\d+)/.exec(out)?.[1] ?? 0) + Number(/^count: (\d+)/m.exec(out)?.[1] ?? 0);
}

export async function historyScaleBench(ctx) {
  const sizes = (process.env.KEYWARD_HISTORY_SCALE ?? (ctx.quick ? '0.01,0.1' : '0.1,1,2'))
    .split(',')
    .map((m) => Math.round(Number(m) * 1_000_000));
  const rows = [];
  const reps = ctx.reps ?? 1;
  for (const blobs of sizes) {
    const variants = {};
    for (const keys of Object.keys(PLANTS)) {
      const suffix = { none: '', spread: '-keys', early: '-early' }[keys];
      const dir = benchDir('history-scale', `${blobs}${suffix}.git`);
      ctx.log?.(`history-scale: building ${blobs} blobs, keys: ${keys}`);
      await ensureScaleRepo(dir, blobs, keys);
      const out = benchPath('out', `history-scale-${blobs}${suffix}.json`);
      variants[keys] = {
        dir,
        out,
        keyward: () => runKeyward(['scan', '--history', '--format', 'json', '--output', out], { cwd: dir }),
      };
    }
    const listAndRead = () =>
      timedShell(
        'git cat-file --batch-all-objects --unordered --batch-check="%(objecttype) %(objectname)" | ' +
          'awk \'$1 == "blob" { print $2 }\' | git cat-file --batch > /dev/null',
        { cwd: variants.none.dir },
      );
    // With --reps, the history with no key, its floor and the one with early keys alternate (a shared
    // machine's speed moves run to run; each target compares two of them) and medians are compared; the
    // keys spread over the history run once, for recall.
    const alternated = interleaved(reps, {
      none: variants.none.keyward,
      floor: listAndRead,
      early: variants.early.keyward,
    });
    const runs = { none: alternated.none, spread: variants.spread.keyward(), early: alternated.early };
    for (const keys of Object.keys(PLANTS)) {
      const run = runs[keys];
      const floor = keys === 'none' ? alternated.floor : undefined;
      let found = null;
      try {
        found = JSON.parse(readFileSync(variants[keys].out, 'utf8')).findings.length;
      } catch {
        found = null;
      }
      rows.push({
        blobs,
        keys,
        objects: objectCount(variants[keys].dir),
        seconds: run.wallS,
        nodeRssMB: run.nodeRssKB === null ? null : run.nodeRssKB / 1024,
        floorSeconds: floor?.wallS ?? null,
        ...(run.runs && run.runs.length > 1 ? { runsSeconds: run.runs } : {}),
        ...(floor ? { floorRunsSeconds: floor.runs } : {}),
        found,
        planted: PLANTS[keys].length,
        ok: run.code === 0 || run.code === 1,
      });
    }
  }
  printTable(
    ctx.write,
    `History size: keyward scan --history (wall, keyward peak RSS) against listing + reading every blob${reps > 1 ? ` (no key and early keys: medians of ${reps} interleaved runs; keys spread: one run)` : ''}`,
    ['blobs', 'objects', 'keys', 'keyward', 'peak RSS', 'bytes/object', 'list+read', 'findings'],
    rows.map((r) => [
      r.blobs.toLocaleString('en'),
      r.objects.toLocaleString('en'),
      { none: 'none', spread: '4, last at 95%', early: '2, by 10%' }[r.keys],
      fmt.s(r.seconds),
      r.nodeRssMB === null ? '-' : `${r.nodeRssMB.toFixed(0)} MB`,
      r.nodeRssMB === null ? '-' : ((r.nodeRssMB * 1024 * 1024) / r.objects).toFixed(0),
      r.floorSeconds === null ? '' : fmt.s(r.floorSeconds),
      r.found ?? '-',
    ]),
  );
  const clean = rows.filter((r) => r.keys === 'none');
  const [small, large] = [clean.at(-2), clean.at(-1)];
  const slope =
    small && large && small.nodeRssMB !== null && large.nodeRssMB !== null
      ? ((large.nodeRssMB - small.nodeRssMB) * 1024 * 1024) / (large.objects - small.objects)
      : null;
  // The curve: the slope between each size and the next. Below ~32 MB of packs a history is read in one
  // thread with no listing (history/unlisted.ts), above it listed and read by worker threads: a slope
  // across that line includes the workers' fixed cost (~50 MB each), not only memory per object.
  const curve = clean.slice(1).map((r, i) => ({
    fromBlobs: clean[i].blobs,
    toBlobs: r.blobs,
    bytesPerObject:
      r.nodeRssMB === null || clean[i].nodeRssMB === null
        ? null
        : ((r.nodeRssMB - clean[i].nodeRssMB) * 1024 * 1024) / (r.objects - clean[i].objects),
    timeRatio: r.seconds / clean[i].seconds,
  }));
  for (const c of curve)
    ctx.write?.(
      `  ${c.fromBlobs.toLocaleString('en')} -> ${c.toBlobs.toLocaleString('en')} blobs: ` +
        `${c.bytesPerObject === null ? '-' : c.bytesPerObject.toFixed(0)} B/object, ${c.timeRatio.toFixed(2)}x the time\n`,
    );
  for (const r of clean.filter((row) => row.runsSeconds)) {
    const early = rows.find((e) => e.blobs === r.blobs && e.keys === 'early' && e.runsSeconds);
    ctx.write?.(
      `  ${r.blobs.toLocaleString('en')} blobs, runs in order: keyward ${r.runsSeconds.map(fmt.s).join(', ')}; ` +
        `list+read ${r.floorRunsSeconds.map(fmt.s).join(', ')}` +
        `${early ? `; early keys ${early.runsSeconds.map(fmt.s).join(', ')}` : ''}\n`,
    );
  }
  // Time growth over a true 10x step where the sizes hold one (the largest such), else the two largest scaled.
  const tenfold = clean
    .flatMap((to) => clean.filter((from) => to.blobs === from.blobs * 10).map((from) => [from, to]))
    .at(-1);
  const [growthFrom, growthTo] = tenfold ?? [small, large];
  const growth =
    growthFrom && growthTo
      ? growthTo.seconds / growthFrom.seconds / (growthTo.objects / growthFrom.objects)
      : null;
  const million = clean.find((r) => r.blobs === 1_000_000);
  const floorRatio = million?.floorSeconds ? million.seconds / million.floorSeconds : null;
  const millionEarly = rows.find((r) => r.blobs === 1_000_000 && r.keys === 'early');
  const earlyRatio = million && millionEarly ? millionEarly.seconds / million.seconds : null;
  return {
    results: {
      rows,
      curve,
      slopeBytesPerObject: slope,
      timeGrowthPer10x: growth === null ? null : growth * 10,
    },
    targets: [
      {
        name: `peak RSS grows <= ${MAX_BYTES_PER_OBJECT} bytes/object (${small?.blobs ?? '-'} -> ${large?.blobs ?? '-'} blobs)`,
        measured: slope === null ? 'not available' : `${slope.toFixed(0)} B/object`,
        pass: slope === null ? null : slope <= MAX_BYTES_PER_OBJECT,
      },
      {
        name: `10x the objects costs <= ${MAX_TIME_GROWTH}x the time (${growthFrom?.blobs ?? '-'} -> ${growthTo?.blobs ?? '-'} blobs${tenfold ? '' : ', scaled'})`,
        measured: growth === null ? 'not available' : `${(growth * 10).toFixed(1)}x`,
        pass: growth === null ? null : growth * 10 <= MAX_TIME_GROWTH,
      },
      {
        name: `1M blobs with nothing to attribute <= ${MAX_FLOOR_RATIO}x listing + reading the blobs`,
        measured: floorRatio === null ? 'not measured' : fmt.ratio(floorRatio),
        pass: floorRatio === null ? null : floorRatio <= MAX_FLOOR_RATIO,
      },
      {
        name: `1M blobs with keys early in the history <= ${MAX_EARLY_RATIO}x the time with none (the walk stops at them)`,
        measured: earlyRatio === null ? 'not measured' : fmt.ratio(earlyRatio),
        pass: earlyRatio === null ? null : earlyRatio <= MAX_EARLY_RATIO,
      },
      {
        name: 'every planted key found',
        measured: rows
          .filter((r) => r.keys !== 'none')
          .map((r) => `${r.found ?? '-'}/${r.planted}`)
          .join(', '),
        pass: rows.filter((r) => r.keys !== 'none').every((r) => r.found === r.planted),
      },
    ],
  };
}
