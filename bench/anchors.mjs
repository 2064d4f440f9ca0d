// Micro-benchmark of the anchor search (packages/core): the JS automaton against the WebAssembly Teddy finder.
// Run `pnpm build` first, then: node bench/anchors.mjs [--files LIST] [--mb 80] [--reps 5] [--skip-rg]
//   [--anchors rules|rules+N|issue2|FILE.json] [--datasets corpus,random,…] [--core DIR]
// --anchors: the scanner's anchors from the built rules (default), those plus the first N provider words of
// PROVIDER_WORDS (a stand-in for rules not written yet), the 22-literal set of issue 2, or a JSON array of
// literals (a rule set of another commit: `compileRules(RULES).automaton.anchors`). --core: another build
// of packages/core/dist (a saved copy of an older build) to compare with. LIST holds one path per line; by default the bench takes .js/.ts/.json/.md/.mjs/.cjs files under
// node_modules/.pnpm (sorted, up to --mb MB). Files are read before timing, so they are in page cache.
// Every case runs in a fresh child process (no JIT feedback shared between engines); times are the best of
// --reps runs, by CPU time (user + system: the steadier number on a shared machine) and by wall time.
import { spawnSync } from 'node:child_process';
import { closeSync, fstatSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    core: { type: 'string', default: join(root, 'packages/core/dist') },
    anchors: { type: 'string', default: 'rules' },
    datasets: { type: 'string' },
    files: { type: 'string' },
    mb: { type: 'string', default: '80' },
    reps: { type: 'string', default: '5' },
    'skip-rg': { type: 'boolean', default: false },
    case: { type: 'string' },
  },
});
const reps = Number(args.reps);
const core = resolve(args.core);

// The scanner's anchor set of issue 2: the OpenAI marker, provider prefixes, context words, generic keywords.
const ISSUE2_ANCHORS = [
  ['T3Bl', 'bkFJ'].join(''),
  ...['sk-ant-', 'gsk_', 'sk-or-v1-', 'hf_', 'api_org_', 'aiza', 'xai-', 'pplx-', 'r8_'],
  ...['deepseek', 'azure', 'mistral', 'cohere'],
  ...['key', 'token', 'secret', 'passw', 'pwd', 'auth', 'bearer', 'cred'],
];
/**
 * Words rules of issue 20 may anchor on (Brave, Exa, SerpAPI, ElevenLabs, Deepgram, Together, Fireworks, Voyage,
 * Supabase, AWS session ids, PGP), with a few provider names: `--anchors rules+20` stands for a rule set of ~80
 * anchors before those rules exist. Some are common in code on purpose (`exa` in "example", `asi`, `pa-`).
 */
const PROVIDER_WORDS = [
  ...[
    'brave',
    'bsa',
    'serpapi',
    'exa_api',
    'exa-',
    'elevenlabs',
    'xi-api',
    'deepgram',
    'together',
    'tgp_v1_',
  ],
  ...['fireworks', 'fw_', 'voyage', 'pa-', 'asia', 'pgp priv', 'sbp_', 'groq', 'openai', 'anthropic'],
];
const ANCHORS = await anchorSet(args.anchors);
const ENGINES = ['js', 'js2', 'wasm'];
const DATASETS = {
  corpus: 'corpus (real npm code)',
  random: 'random bytes, 16 MiB',
  planted: 'anchors planted every 40 bytes, mixed case',
  keys: '"keykeykey…" (a hit every 3 bytes)',
  cre: '"crecrecre…" (a candidate every 3 bytes, no hit)',
  same: '"aaaa…" (one byte)',
};

if (args.case) await runCase(args.case);
else runAll();

// ---------------------------------------------------------------------------------------------------------------
// Parent: runs each case in its own process and prints a table.

function runAll() {
  const child = (name) => {
    const argv = [import.meta.filename, '--case', name, '--reps', String(reps), '--mb', args.mb];
    argv.push('--core', core, '--anchors', args.anchors);
    if (args.files) argv.push('--files', args.files);
    const run = spawnSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 1 << 26 });
    // An older core (--core) may not take this many anchors in WASM: that case is reported, not fatal.
    if (run.status !== 0 && /cannot take these anchors/.test(run.stderr)) return undefined;
    if (run.status !== 0) throw new Error(`case ${name} failed:\n${run.stderr}`);
    return JSON.parse(run.stdout.trim().split('\n').pop());
  };
  const line = (label, text) => console.log(`  ${label.padEnd(48)} ${text}`);
  const rate = (r) =>
    r === undefined
      ? 'not available (the WASM finder cannot take these anchors)'
      : `${mbps(r.bytes, r.ms).padStart(5)} MB/s cpu (${r.ms.toFixed(1).padStart(6)} ms) | ` +
        `${mbps(r.bytes, r.wallMs).padStart(5)} MB/s wall` +
        (r.hits === undefined ? '' : `  ${r.hits} hits`);

  const s = child('startup');
  console.log(
    `anchors: ${ANCHORS.length} literals (${args.anchors}); core ${core}; ` +
      `WASM_MIN_INPUT ${s.minInput}, WASM_WARMUP_BYTES ${s.warmup}`,
  );
  console.log('start-up, cold process (ms):');
  for (const [k, label] of [
    ['importMs', 'import the core modules'],
    ['automatonMs', 'buildAutomaton (JS DFA)'],
    ['compileMs', 'compile the WASM module (once per process)'],
    ['planMs', 'planTeddy (first call)'],
    ['instanceMs', 'new WasmAnchorFinder (plan given)'],
    ['firstMiBMs', 'first 1 MiB scanned by it (baseline-tier code)'],
    ['secondMiBMs', 'second 1 MiB'],
  ]) {
    line(label, `${s[k].toFixed(2).padStart(7)} ms`);
  }

  const corpus = child('corpus-info');
  console.log(`\ncorpus: ${corpus.files} files, ${(corpus.bytes / 1e6).toFixed(1)} MB; best of ${reps} runs`);
  const candidates = child('candidates');
  line(
    'Teddy candidates per 100 MB (3-byte prefix matches)',
    candidates ? `${candidates.perHundredMB} (${candidates.truePerHundredMB})` : 'not available',
  );
  const datasets = args.datasets ? args.datasets.split(',') : Object.keys(DATASETS);
  for (const [dataset, label] of Object.entries(DATASETS).filter(([d]) => datasets.includes(d))) {
    console.log(`\n${label}: search only, input already in memory`);
    for (const engine of ENGINES) {
      const names = {
        js: 'JS automaton (findAnchors)',
        js2: 'JS automaton, 2 streams (hit count only)',
        wasm: 'WASM finder (copies the input in)',
      };
      line(names[engine], rate(child(`search:${dataset}:${engine}`)));
    }
  }
  console.log('\ncorpus: open + read (readSync into one reused buffer) + search, one thread');
  line('read only', rate(child('read:none')));
  line('read + JS automaton', rate(child('read:js')));
  line('read into WASM inputView + WASM finder', rate(child('read:wasm')));
  line("createAnchorFinder 'auto' (inputView, warm-up)", rate(child('read:auto')));
  if (!args['skip-rg'] && spawnSync('rg', ['--version']).status === 0) {
    line('rg -j1 (OpenAI marker, same files, whole process)', rate(child('rg')));
  }
  console.log('\nper call on small inputs (corpus text), ns per call');
  const js = child('small:js');
  const wasm = child('small:wasm');
  for (const size of Object.keys(js.ns)) {
    line(
      `${size} bytes`,
      `JS ${js.ns[size].toFixed(0).padStart(6)} ns   WASM ${wasm.ns[size].toFixed(0).padStart(6)} ns`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Child: one case, one JSON line on stdout.

async function runCase(name) {
  const at = performance.now();
  const { buildAutomaton, findAnchors } = await import(join(core, 'anchors.js'));
  const finders = await import(join(core, 'anchor-finder.js'));
  const { compiledAnchorsModule, WasmAnchorFinder } = await import(join(core, 'wasm/teddy-finder.js'));
  const importMs = performance.now() - at;
  const [kind, what, engine] = name.split(':');
  const out = (result) => console.log(JSON.stringify(result));

  if (kind === 'startup') {
    const time = (fn) => {
      const t = performance.now();
      const value = fn();
      return [performance.now() - t, value];
    };
    const [automatonMs] = time(() => buildAutomaton(ANCHORS));
    const [compileMs] = time(() => compiledAnchorsModule());
    const wasm = { planMs: NaN, instanceMs: NaN, firstMiBMs: NaN, secondMiBMs: NaN };
    const { teddyUnsupportedReason } = await import(join(core, 'wasm/teddy.js'));
    if (teddyUnsupportedReason(ANCHORS) === undefined) {
      let plan;
      let finder;
      [wasm.planMs, plan] = time(() => finders.planTeddy(ANCHORS));
      [wasm.instanceMs, finder] = time(() => new WasmAnchorFinder(ANCHORS, { plan }));
      const text = Buffer.concat(corpusBuffers().slice(0, 400)).subarray(0, 2 << 20);
      [wasm.firstMiBMs] = time(() => finder.find(text, 0, 1 << 20, () => {}));
      [wasm.secondMiBMs] = time(() => finder.find(text, 1 << 20, 2 << 20, () => {}));
    }
    out({
      importMs,
      automatonMs,
      compileMs,
      ...wasm,
      ...limits(finders),
    });
    return;
  }
  if (kind === 'candidates') {
    // Positions whose 3 bytes pass the plan's nibble tables (what the SIMD scan hands to verification), and
    // those where some literal's first 3 bytes really are (the floor any 3-byte plan can reach), in millions.
    const { planTeddy, candidateBuckets, prefixKey } = await import(join(core, 'wasm/teddy.js'));
    const plan = planTeddy(ANCHORS);
    const prefixes = new Set(plan.literals.map(prefixKey));
    let candidates = 0;
    let prefixHits = 0;
    let bytes = 0;
    for (const b of corpusBuffers()) {
      bytes += b.length;
      for (let p = 0; p + 3 <= b.length; p++) {
        if (candidateBuckets(plan, b, p) === 0) continue;
        candidates++;
        if (prefixes.has((b[p] | (b[p + 1] << 8) | (b[p + 2] << 16)) & 0xdfdfdf)) prefixHits++;
      }
    }
    const perHundred = (n) => `${((n / bytes) * 100).toFixed(2)}M`;
    out({ perHundredMB: perHundred(candidates), truePerHundredMB: perHundred(prefixHits) });
    return;
  }
  if (kind === 'corpus-info') {
    const files = corpusFiles();
    out({ files: files.length, bytes: files.reduce((n, f) => n + statSync(f).size, 0) });
    return;
  }

  const automaton = buildAutomaton(ANCHORS);
  const lengths = Int32Array.from(ANCHORS, (a) => a.length);
  if (kind === 'search') {
    const buffers = what === 'corpus' ? corpusBuffers() : [synthetic(what)];
    const bytes = buffers.reduce((n, b) => n + b.length, 0);
    const wasm = finders.createAnchorFinder(ANCHORS, { engine: 'wasm' });
    const search = {
      js: (b, onHit) => findAnchors(automaton, b, 0, b.length, onHit),
      wasm: (b, onHit) => wasm.find(b, 0, b.length, onHit),
    }[engine];
    out({
      bytes,
      ...best(() => {
        if (engine === 'js2') return buffers.reduce((n, b) => n + countTwoStreams(automaton, lengths, b), 0);
        let hits = 0;
        const onHit = () => hits++;
        for (const b of buffers) search(b, onHit);
        return hits;
      }),
    });
    return;
  }
  if (kind === 'read') {
    const files = corpusFiles();
    const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
    const finder = finders.createAnchorFinder(ANCHORS, { engine: what === 'none' ? 'js' : what });
    out({
      bytes,
      ...best(() => {
        let hits = 0;
        const onHit = () => hits++;
        for (const f of files) {
          const fd = openSync(f, 'r');
          const size = fstatSync(fd).size;
          const view = finder.inputView(size);
          let n = 0;
          for (let r; n < size && (r = readSync(fd, view, n, size - n, null)) > 0;) n += r;
          closeSync(fd);
          if (what !== 'none') finder.find(view, 0, n, onHit);
        }
        return hits;
      }),
    });
    return;
  }
  if (kind === 'rg') {
    const files = corpusFiles();
    const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
    // rg's own CPU time (user + system) from /usr/bin/time when present (10 ms resolution), else wall time.
    const timed = spawnSync('/usr/bin/time', ['-f', '%U', 'true']).status === 0;
    let ms = Infinity;
    let wallMs = Infinity;
    for (let r = 0; r < reps; r++) {
      const command = ['rg', '-j1', '-c', '--no-messages', '-uuu', ISSUE2_ANCHORS[0], ...files];
      const t = performance.now();
      const run = timed
        ? spawnSync('/usr/bin/time', ['-f', 'cpu %U %S', ...command], {
            encoding: 'utf8',
            maxBuffer: 1 << 26,
          })
        : spawnSync(command[0], command.slice(1), { maxBuffer: 1 << 26 });
      wallMs = Math.min(wallMs, performance.now() - t);
      const cpu = timed ? /cpu ([\d.]+) ([\d.]+)/.exec(run.stderr) : null;
      ms = Math.min(ms, cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : wallMs);
    }
    out({ bytes, ms, wallMs });
    return;
  }
  if (kind === 'small') {
    const finder = finders.createAnchorFinder(ANCHORS, { engine: what });
    const sample = Buffer.concat(corpusBuffers().slice(0, 200)).subarray(0, 1 << 20);
    const ns = {};
    for (const size of [16, 64, 128, 256, 512, 1024, 4096, 16384]) {
      const calls = Math.floor(sample.length / size);
      const r = best(() => {
        let hits = 0;
        const onHit = () => hits++;
        for (let c = 0; c < calls; c++) finder.find(sample, c * size, c * size + size, onHit);
        return hits;
      });
      ns[size] = (r.ms * 1e6) / calls;
    }
    out({ ns });
    return;
  }
  throw new Error(`unknown case ${name}`);
}

/** The anchor literals named by --anchors. */
async function anchorSet(name) {
  if (name === 'issue2') return ISSUE2_ANCHORS;
  if (name.endsWith('.json')) return JSON.parse(readFileSync(name, 'utf8'));
  const set = /^rules(?:\+(\d+))?$/.exec(name);
  if (!set) throw new Error(`--anchors takes rules, rules+N, issue2 or a .json file, not ${name}`);
  const { RULES } = await import(join(root, 'packages/rules/dist/index.js'));
  const { compileRules } = await import(join(core, 'index.js'));
  const words = PROVIDER_WORDS.slice(0, Number(set[1] ?? 0));
  if (words.length < Number(set[1] ?? 0)) throw new Error(`rules+N: N is at most ${PROVIDER_WORDS.length}`);
  return [...compileRules(RULES).automaton.anchors, ...words];
}

function limits(finders) {
  return { minInput: finders.WASM_MIN_INPUT, warmup: finders.WASM_WARMUP_BYTES };
}

/** Best of `reps` runs of fn (which returns a hit count, checked to be stable), by CPU time and by wall time. */
function best(fn) {
  let ms = Infinity;
  let wallMs = Infinity;
  let hits;
  for (let r = 0; r < reps; r++) {
    const cpu = process.cpuUsage();
    const t = performance.now();
    const h = fn();
    wallMs = Math.min(wallMs, performance.now() - t);
    const used = process.cpuUsage(cpu);
    ms = Math.min(ms, (used.user + used.system) / 1000);
    if (hits !== undefined && h !== hits) throw new Error(`hit count changed between runs: ${hits} -> ${h}`);
    hits = h;
  }
  return { ms, wallMs, hits };
}

function mbps(bytes, ms) {
  return (bytes / 1e6 / (ms / 1000)).toFixed(0);
}

// ---------------------------------------------------------------------------------------------------------------
// Inputs.

function corpusFiles() {
  if (args.files) {
    return readFileSync(args.files, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((f) => resolve(root, f));
  }
  const files = [];
  let budget = Number(args.mb) * 1e6;
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (budget <= 0) return;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && /\.(js|ts|json|md|mjs|cjs)$/.test(e.name)) {
        files.push(p);
        budget -= statSync(p).size;
      }
    }
  };
  walk(join(root, 'node_modules/.pnpm'));
  return files;
}

function corpusBuffers() {
  return corpusFiles().map((f) => readFileSync(f));
}

function synthetic(kind) {
  const size = 16 << 20;
  let seed = 42;
  const random = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let x = Math.imul(seed ^ (seed >>> 15), seed | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const repeat = (s) => {
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i++) bytes[i] = s.charCodeAt(i % s.length);
    return bytes;
  };
  if (kind === 'random') return Uint8Array.from({ length: size }, () => Math.floor(random() * 256));
  if (kind === 'keys') return repeat('key');
  if (kind === 'cre') return repeat('cre');
  if (kind === 'same') return repeat('a');
  const bytes = repeat('lorem ipsum dolor sit amet, consectetur adipiscing elit\n');
  for (let at = 0; at + 10 < size; at += 40) {
    const a = ANCHORS[Math.floor(random() * ANCHORS.length)];
    for (let i = 0; i < a.length; i++) bytes[at + i] = (random() < 0.5 ? a : a.toUpperCase()).charCodeAt(i);
  }
  return bytes;
}

/**
 * Two independent automaton streams stepped in one loop: the first half and the second half of the input, the
 * first running on by (longest anchor - 1) bytes and keeping only hits that start in its half. Counts hits
 * only: a real engine would also have to buffer and merge the two streams' hits to report them in order.
 */
function countTwoStreams(A, lengths, bytes) {
  const { classOf, next, acceptFrom, classCount, outStart, outIds, firstAccept } = A;
  const to = bytes.length;
  const mid = to >> 1;
  const endA = Math.min(to, mid + Math.max(...lengths) - 1);
  const steps = Math.min(endA, to - mid);
  let a = 0;
  let b = 0;
  let hits = 0;
  let i = 0;
  for (; i < steps; i++) {
    a = next[a + classOf[bytes[i]]];
    b = next[b + classOf[bytes[mid + i]]];
    if ((a | b) < acceptFrom) continue; // one branch for both streams: a | b >= max(a, b)
    if (a >= acceptFrom) {
      const k = a / classCount - firstAccept;
      for (let j = outStart[k]; j < outStart[k + 1]; j++) if (i + 1 - lengths[outIds[j]] < mid) hits++;
    }
    if (b >= acceptFrom) {
      const k = b / classCount - firstAccept;
      hits += outStart[k + 1] - outStart[k];
    }
  }
  for (let p = i; p < endA; p++) {
    a = next[a + classOf[bytes[p]]];
    if (a >= acceptFrom) {
      const k = a / classCount - firstAccept;
      for (let j = outStart[k]; j < outStart[k + 1]; j++) if (p + 1 - lengths[outIds[j]] < mid) hits++;
    }
  }
  for (let p = mid + i; p < to; p++) {
    b = next[b + classOf[bytes[p]]];
    if (b >= acceptFrom) {
      const k = b / classCount - firstAccept;
      hits += outStart[k + 1] - outStart[k];
    }
  }
  return hits;
}
