// Micro-benchmark of the anchor search (packages/core: JS automaton vs WebAssembly Teddy finder).
// Run `pnpm build` first, then: node bench/anchors.mjs [--files LIST] [--mb 80] [--reps 5] [--skip-rg]
// LIST holds one path per line; by default the bench collects .js/.ts/.json/.md/.mjs/.cjs files under
// node_modules/.pnpm (sorted, up to --mb MB). Everything is read once first, so the files are in page cache.
import { spawnSync } from 'node:child_process';
import { closeSync, fstatSync, openSync, readFileSync, readSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const core = join(root, 'packages/core/dist');
const startupAt = performance.now();
const { buildAutomaton, findAnchors } = await import(join(core, 'anchors.js'));
const { createAnchorFinder, WASM_MIN_INPUT, WASM_WARMUP_BYTES } = await import(
  join(core, 'anchor-finder.js')
);
const { compiledAnchorsModule, WasmAnchorFinder } = await import(join(core, 'wasm/teddy-finder.js'));
const { planTeddy } = await import(join(core, 'wasm/teddy.js'));
const importMs = performance.now() - startupAt;

const { values: args } = parseArgs({
  options: {
    files: { type: 'string' },
    mb: { type: 'string', default: '80' },
    reps: { type: 'string', default: '5' },
    'skip-rg': { type: 'boolean', default: false },
  },
});
const reps = Number(args.reps);

// The scanner's anchor set (issue 2): the OpenAI marker, provider prefixes, context words, generic keywords.
const ANCHORS = [
  ['T3Bl', 'bkFJ'].join(''),
  ...['sk-ant-', 'gsk_', 'sk-or-v1-', 'hf_', 'api_org_', 'aiza', 'xai-', 'pplx-', 'r8_'],
  ...['deepseek', 'azure', 'mistral', 'cohere'],
  ...['key', 'token', 'secret', 'passw', 'pwd', 'auth', 'bearer', 'cred'],
];

const mbps = (bytes, ms) => (bytes / 1e6 / (ms / 1000)).toFixed(0);
const line = (label, text) => console.log(`${label.padEnd(44)} ${text}`);

/**
 * Best of `reps` runs of fn (fn returns a hit count, checked to be stable), by CPU time of this process (user +
 * system) and by wall time: on a shared, loaded machine the CPU time is the steadier of the two.
 */
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
const report = (label, bytes, r) =>
  line(
    `  ${label}`,
    `${mbps(bytes, r.ms).padStart(5)} MB/s cpu ${r.ms.toFixed(1).padStart(7)} ms | wall ${mbps(bytes, r.wallMs).padStart(5)} MB/s` +
      (r.hits === undefined ? '' : `  ${r.hits} hits`),
  );

// ---- Start-up costs (this process is cold: nothing ran before) ----
let t = performance.now();
compiledAnchorsModule();
const compileMs = performance.now() - t;
t = performance.now();
planTeddy(ANCHORS);
const planMs = performance.now() - t;
t = performance.now();
new WasmAnchorFinder(ANCHORS);
const instanceMs = performance.now() - t;
t = performance.now();
buildAutomaton(ANCHORS);
const automatonMs = performance.now() - t;
console.log(
  `anchors: ${ANCHORS.length} literals; WASM_MIN_INPUT ${WASM_MIN_INPUT}, WASM_WARMUP_BYTES ${WASM_WARMUP_BYTES}`,
);
line('import core modules', `${importMs.toFixed(2)} ms`);
line('compile WASM module (once per process)', `${compileMs.toFixed(2)} ms`);
line('plan Teddy buckets (cold)', `${planMs.toFixed(2)} ms`);
line('new WasmAnchorFinder (plan warm + instance)', `${instanceMs.toFixed(2)} ms`);
line('buildAutomaton (JS DFA)', `${automatonMs.toFixed(2)} ms`);

// ---- Corpus ----
function collectFiles(dir, out, budget) {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    if (budget.bytes <= 0) return;
    const p = join(dir, e.name);
    if (e.isDirectory()) collectFiles(p, out, budget);
    else if (e.isFile() && /\.(js|ts|json|md|mjs|cjs)$/.test(e.name)) {
      out.push(p);
      budget.bytes -= fstatSize(p);
    }
  }
}
function fstatSize(p) {
  const fd = openSync(p, 'r');
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}
let files;
if (args.files) {
  files = readFileSync(args.files, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((f) => resolve(root, f));
} else {
  files = [];
  collectFiles(join(root, 'node_modules/.pnpm'), files, { bytes: Number(args.mb) * 1e6 });
}
const buffers = files.map((f) => readFileSync(f));
const total = buffers.reduce((n, b) => n + b.length, 0);
console.log(`\ncorpus: ${files.length} files, ${(total / 1e6).toFixed(1)} MB (best of ${reps} runs each)`);

const automaton = buildAutomaton(ANCHORS);
const js = createAnchorFinder(ANCHORS, { engine: 'js' });
const wasm = createAnchorFinder(ANCHORS, { engine: 'wasm' });

/**
 * Two independent automaton streams stepped in one loop (first half, second half of the input, the first
 * running on by maxLength - 1 bytes and keeping only hits that start in its half). Counts hits only: a real
 * implementation would also have to buffer and merge the two streams' hits to keep them in order.
 */
function countTwoStreams(A, bytes, from, to, maxLength, lengths) {
  const { classOf, next, acceptFrom, classCount, outStart, outIds, firstAccept } = A;
  const mid = (from + to) >> 1;
  const endA = Math.min(to, mid + maxLength - 1);
  const steps = Math.min(endA - from, to - mid);
  let a = 0;
  let b = 0;
  let hits = 0;
  let i = 0;
  for (; i < steps; i++) {
    a = next[a + classOf[bytes[from + i]]];
    b = next[b + classOf[bytes[mid + i]]];
    if ((a | b) < acceptFrom) continue; // one branch for both streams: a | b >= max(a, b)
    if (a >= acceptFrom) {
      const k = a / classCount - firstAccept;
      for (let j = outStart[k]; j < outStart[k + 1]; j++) if (from + i + 1 - lengths[outIds[j]] < mid) hits++;
    }
    if (b >= acceptFrom) {
      const k = b / classCount - firstAccept;
      hits += outStart[k + 1] - outStart[k];
    }
  }
  for (let p = from + i; p < endA; p++) {
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
const lengths = Int32Array.from(ANCHORS, (a) => a.length);
const maxLength = Math.max(...lengths);

function searchOnly(label, bufs, bytes) {
  const rows = [
    ['JS automaton (findAnchors)', (b, cb) => findAnchors(automaton, b, 0, b.length, cb)],
    ['JS automaton, 2 streams (count only)', null],
    ['WASM finder (copies input in)', (b, cb) => wasm.find(b, 0, b.length, cb)],
  ];
  console.log(`\n${label}: search only, input already in memory`);
  for (const [name, fn] of rows) {
    const r = best(() => {
      if (fn === null)
        return bufs.reduce((n, b) => n + countTwoStreams(automaton, b, 0, b.length, maxLength, lengths), 0);
      let hits = 0;
      const cb = () => hits++;
      for (const b of bufs) fn(b, cb);
      return hits;
    });
    report(name, bytes, r);
  }
}
searchOnly('corpus', buffers, total);

// ---- End to end: read every file (page cache) and search it ----
function readInto(path, viewFor) {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const view = viewFor(size);
    let n = 0;
    for (let r; n < size && (r = readSync(fd, view, n, size - n, null)) > 0;) n += r;
    return [view, n];
  } finally {
    closeSync(fd);
  }
}
console.log('\ncorpus: read (openSync + readSync into a reused buffer) and search, one thread');
const e2e = [
  ['read only', js, false],
  ['read + JS automaton', js, true],
  ['read into WASM inputView + WASM finder', wasm, true],
];
for (const [name, finder, search] of e2e) {
  const r = best(() => {
    let hits = 0;
    const cb = () => hits++;
    for (const f of files) {
      const [view, n] = readInto(f, (size) => finder.inputView(size));
      if (search) finder.find(view, 0, n, cb);
    }
    return hits;
  });
  report(name, total, r);
}
const rg = args['skip-rg'] ? { status: 1 } : spawnSync('rg', ['--version']);
if (rg.status === 0) {
  // rg's own CPU time (user + system, from /usr/bin/time when present) and wall time, process start-up included.
  const hasTime = spawnSync('/usr/bin/time', ['-f', '%U %S', 'true']).status === 0;
  let ms = Infinity;
  let wallMs = Infinity;
  for (let r = 0; r < reps; r++) {
    const command = ['rg', '-j1', '-c', '--no-messages', '-uuu', ANCHORS[0], ...files];
    const t0 = performance.now();
    const run = hasTime
      ? spawnSync('/usr/bin/time', ['-f', 'cpu %U %S', ...command], { maxBuffer: 1 << 26, encoding: 'utf8' })
      : spawnSync(command[0], command.slice(1), { maxBuffer: 1 << 26 });
    wallMs = Math.min(wallMs, performance.now() - t0);
    const cpu = hasTime ? /cpu ([\d.]+) ([\d.]+)/.exec(run.stderr) : null;
    if (cpu) ms = Math.min(ms, (Number(cpu[1]) + Number(cpu[2])) * 1000);
  }
  report('rg -j1 (OpenAI marker, same files)', total, { ms: Number.isFinite(ms) ? ms : wallMs, wallMs });
}

// ---- Synthetic inputs ----
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), a | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
const SIZE = 16 << 20;
const random = seeded(42);
const randomBytes = Uint8Array.from({ length: SIZE }, () => Math.floor(random() * 256));
const repeat = (s) => {
  const out = new Uint8Array(SIZE);
  for (let i = 0; i < SIZE; i++) out[i] = s.charCodeAt(i % s.length);
  return out;
};
const planted = repeat('lorem ipsum dolor sit amet, consectetur adipiscing elit\n');
for (let at = 0; at + 10 < SIZE; at += 40) {
  const a = ANCHORS[Math.floor(random() * ANCHORS.length)];
  for (let i = 0; i < a.length; i++)
    planted[at + i] = random() < 0.5 ? a.charCodeAt(i) : a.toUpperCase().charCodeAt(i);
}
for (const [label, bytes] of [
  ['random bytes (16 MiB)', randomBytes],
  ['anchors planted every 40 bytes, mixed case', planted],
  ['"keykeykey…" (a hit every 3 bytes)', repeat('key')],
  ['"crecrecre…" (a candidate every 3 bytes, no hit)', repeat('cre')],
  ['"aaaa…" (one byte)', repeat('a')],
]) {
  searchOnly(label, [bytes], bytes.length);
}

// ---- Crossover: cost per call for small inputs ----
console.log('\nper call, small inputs (text from the corpus), ns per call: JS automaton vs WASM (copy in)');
const sample = Buffer.concat(buffers.slice(0, 200)).subarray(0, 1 << 20);
for (const size of [16, 64, 128, 256, 512, 1024, 4096, 16384]) {
  const calls = Math.floor(sample.length / size);
  const timeIt = (finder) =>
    best(() => {
      let hits = 0;
      const cb = () => hits++;
      for (let c = 0; c < calls; c++) finder.find(sample, c * size, c * size + size, cb);
      return hits;
    }).ms;
  const jsNs = (timeIt(js) * 1e6) / calls;
  const wasmNs = (timeIt(wasm) * 1e6) / calls;
  line(`  ${size} bytes`, `JS ${jsNs.toFixed(0).padStart(6)} ns   WASM ${wasmNs.toFixed(0).padStart(6)} ns`);
}
