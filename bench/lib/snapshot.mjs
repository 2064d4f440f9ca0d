/**
 * The working tree of a bare repository's HEAD, written out without git's checkout: the stored mirrors
 * under /work/.mirror lack their largest blobs (and LFS content), which makes `git archive` and
 * `git checkout` stop at the first missing object. Here a missing blob is skipped and counted; symlinks and
 * submodules are left out, as a working-tree scan skips them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Writes HEAD's files of the bare repository `gitDir` under `dir` (once: a stamp records the commit).
 * Returns { commit, files, missing }.
 */
export async function ensureSnapshot(gitDir, dir) {
  const commit = git(gitDir, ['rev-parse', 'HEAD']).trim();
  const stamp = `${dir}.stamp.json`;
  if (existsSync(stamp) && existsSync(dir)) {
    const saved = JSON.parse(readFileSync(stamp, 'utf8'));
    if (saved.commit === commit) return saved;
  }
  rmSync(dir, { recursive: true, force: true });
  const entries = git(gitDir, ['ls-tree', '-r', '-z', '--full-tree', 'HEAD'])
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      const [mode, type, oid] = line.slice(0, tab).split(' ');
      return { mode, type, oid, path: line.slice(tab + 1) };
    })
    .filter((e) => e.type === 'blob' && e.mode !== '120000');
  let files = 0;
  let missing = 0;
  await catBlobs(
    gitDir,
    entries.map((e) => e.oid),
    (index, bytes) => {
      if (bytes === undefined) {
        missing++;
        return;
      }
      const path = join(dir, entries[index].path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, bytes);
      files++;
    },
  );
  const saved = { commit, files, missing };
  writeFileSync(stamp, JSON.stringify(saved));
  return saved;
}

function git(gitDir, args) {
  const r = spawnSync('git', [`--git-dir=${gitDir}`, ...args], {
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`git ${args[0]} in ${gitDir}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Streams `git cat-file --batch` over `oids`; calls back with each blob's bytes (undefined: missing). */
async function catBlobs(gitDir, oids, onBlob) {
  const child = spawn('git', [`--git-dir=${gitDir}`, 'cat-file', '--batch'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.stdin.end(oids.map((o) => `${o}\n`).join(''));
  let buffer = Buffer.alloc(0);
  let index = 0;
  for await (const chunk of child.stdout) {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const eol = buffer.indexOf(0x0a);
      if (eol < 0) break;
      const header = buffer.subarray(0, eol).toString('latin1');
      if (header.endsWith(' missing')) {
        onBlob(index++, undefined);
        buffer = buffer.subarray(eol + 1);
        continue;
      }
      const size = Number(header.split(' ')[2]);
      if (buffer.length < eol + 1 + size + 1) break;
      onBlob(index++, buffer.subarray(eol + 1, eol + 1 + size));
      buffer = buffer.subarray(eol + 1 + size + 1);
    }
  }
  if (index !== oids.length)
    throw new Error(`cat-file in ${gitDir}: ${index} of ${oids.length} objects read`);
}
