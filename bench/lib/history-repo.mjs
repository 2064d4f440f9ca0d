/**
 * A generated git history, deterministic from its seed, for when no long real history is on the machine:
 * an initial tree of source files, then commits that edit a few files each (most edits land on a hot
 * fifth of the files), add and delete files now and then, and plant fake keys that a later commit takes
 * out again (one stays at HEAD). Built with `git fast-import`, then repacked so deltas look like a real
 * repository's. The manifest (beside the repo) records each planted key and the commit that added it.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fakeKey, rng } from './keys.mjs';
import { KINDS, Lines } from './corpus/files.mjs';
import { PLANTED_KINDS } from './corpus/generate.mjs';
import { vocab } from './corpus/vocab.mjs';
import { sh } from './proc.mjs';

export const HISTORY_VERSION = 2;
const SOURCE_KINDS = KINDS.filter((k) => k.size === 'source');
const GIT_ENV = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
const AUTHORS = [
  'Ada Lovelace <ada@example.test>',
  'Grace Hopper <grace@example.test>',
  'Alan Turing <alan@example.test>',
];

function newFile(v, next, index) {
  const kind = SOURCE_KINDS[Math.floor(next() * SOURCE_KINDS.length)];
  const size = Math.round(1024 * (next() < 0.95 ? Math.exp(next() * Math.log(20)) : 20 + next() * 100));
  const lines = new Lines();
  kind.gen(v, lines, size);
  const dir = `${kind.dir}/${v.word()}`;
  return { path: `${dir}/${v.snake(2)}-${index}${kind.ext}`, kind, text: lines.lines.join('\n') + '\n' };
}

/** Replaces, inserts or deletes a few lines: the churn of ordinary commits. */
function edit(v, file) {
  const lines = file.text.split('\n');
  const fresh = new Lines();
  file.kind.gen(v, fresh, v.int(100, 1500));
  const at = v.int(0, Math.max(0, lines.length - 2));
  const op = v.int(0, 2);
  if (op === 0) lines.splice(at, v.int(1, 5), ...fresh.lines.slice(0, v.int(1, 6)));
  else if (op === 1) lines.splice(at, 0, ...fresh.lines);
  else lines.splice(at, v.int(1, 8));
  file.text = lines.join('\n');
}

/**
 * Builds (or reuses) a bare repository at `dir` with `files` initial files and `commits` commits.
 * Returns the manifest: { version, seed, files, commits, dir, planted: [{ path, commit, last4, ... }] }.
 */
export async function ensureHistoryRepo({ dir, seed, files, commits, log = () => {} }) {
  const manifestPath = `${dir}.manifest.json`;
  if (existsSync(manifestPath) && existsSync(dir)) {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (m.version === HISTORY_VERSION && m.files === files && m.commits === commits) return m;
  }
  rmSync(dir, { recursive: true, force: true });
  const started = performance.now();
  sh('git', ['init', '-q', '--bare', '--initial-branch=main', dir], { env: GIT_ENV });
  const marksFile = `${dir}.marks`;
  const fi = spawn('git', ['fast-import', '--quiet', `--export-marks=${marksFile}`], {
    cwd: dir,
    env: { ...process.env, ...GIT_ENV },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  fi.stderr.on('data', (d) => (stderr += d));
  const exited = once(fi, 'close');
  const write = async (s) => {
    if (!fi.stdin.write(s)) await once(fi.stdin, 'drain');
  };

  const next = rng(seed);
  const v = vocab(next);
  const tree = [];
  for (let i = 0; i < files; i++) tree.push(newFile(v, next, i));
  const plantCount = Math.max(4, Math.round(commits / 1500));
  const plantAt = new Map(
    Array.from({ length: plantCount }, (_, i) => [Math.floor(((i + 0.5) * commits) / plantCount), i]),
  );
  const removeAt = new Map();
  const planted = [];
  let when = Date.UTC(2016, 0, 1) / 1000;

  for (let c = 0; c < commits; c++) {
    const changed = new Map();
    const deleted = [];
    if (c === 0) {
      for (const f of tree) changed.set(f.path, f);
    } else {
      for (let n = v.int(1, 4); n > 0; n--) {
        // Most edits land on a hot fifth of the files.
        const pool = next() < 0.8 ? Math.max(1, Math.floor(tree.length / 5)) : tree.length;
        const f = tree[Math.floor(next() * pool)];
        if (!f.planted) {
          edit(v, f);
          changed.set(f.path, f);
        }
      }
      if (next() < 0.03) {
        const f = newFile(v, next, files + c);
        tree.push(f);
        changed.set(f.path, f);
      }
      if (next() < 0.01 && tree.length > 10) {
        const i = Math.floor(tree.length / 2 + next() * (tree.length / 2));
        if (!tree[i].planted) deleted.push(...tree.splice(i, 1).map((f) => f.path));
      }
      const removal = removeAt.get(c);
      if (removal) {
        removal.file.text = removal.before;
        removal.file.planted = false;
        changed.set(removal.file.path, removal.file);
      }
      if (plantAt.has(c)) {
        const i = plantAt.get(c);
        const spec = PLANTED_KINDS[i % PLANTED_KINDS.length];
        const key = fakeKey(spec.kind, seed * 100_000 + i);
        const f = tree[Math.floor(next() * tree.length)];
        const before = f.text;
        const lines = before.split('\n');
        lines.splice(v.int(0, lines.length - 1), 0, `${spec.env}=${key}`);
        f.text = lines.join('\n');
        f.planted = true;
        changed.set(f.path, f);
        // Taken out again 1-40 commits later, except the last key, which stays at HEAD.
        if (i < plantCount - 1) removeAt.set(Math.min(commits - 1, c + v.int(1, 40)), { file: f, before });
        planted.push({
          path: f.path,
          commitIndex: c,
          kind: spec.kind,
          ruleId: spec.ruleId,
          rulePrefix: spec.rulePrefix,
          last4: key.slice(-4),
        });
      }
    }
    let body = '';
    for (const f of changed.values()) {
      body += `M 100644 inline ${f.path}\ndata ${Buffer.byteLength(f.text)}\n${f.text}\n`;
    }
    for (const p of deleted) if (!changed.has(p)) body += `D ${p}\n`;
    when += 600 + Math.floor(next() * 3 * 3600);
    const author = AUTHORS[c % AUTHORS.length];
    const message = `${v.sentence(6)}\n`;
    await write(
      `commit refs/heads/main\nmark :${c + 1}\nauthor ${author} ${when} +0000\ncommitter ${author} ${when} +0000\n` +
        `data ${message.length}\n${message}${c === 0 ? '' : `from :${c}\n`}${body}\n`,
    );
  }
  fi.stdin.end();
  const [code] = await exited;
  if (code !== 0) throw new Error(`git fast-import failed: ${stderr.trim().slice(0, 300)}`);
  const marks = new Map(
    readFileSync(marksFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.slice(1).split(' '))
      .map(([m, sha]) => [Number(m), sha]),
  );
  for (const p of planted) p.commit = marks.get(p.commitIndex + 1);
  rmSync(marksFile, { force: true });
  log(
    `history: fast-import of ${commits} commits took ${((performance.now() - started) / 1000).toFixed(0)} s; repacking`,
  );
  // fast-import deltas each blob against the one written before it; a full repack gives real-looking packs.
  sh('git', ['-c', 'pack.threads=2', 'repack', '-a', '-d', '-f', '-q', '--window=50', '--depth=50'], {
    cwd: dir,
    env: GIT_ENV,
  });
  sh('git', ['prune-packed'], { cwd: dir, env: GIT_ENV });
  const manifest = {
    version: HISTORY_VERSION,
    seed,
    files,
    commits,
    dir,
    planted,
    seconds: Math.round((performance.now() - started) / 1000),
  };
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 1));
  log(`history: generated ${dir} in ${manifest.seconds} s`);
  return manifest;
}
