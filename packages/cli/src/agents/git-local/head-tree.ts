import { closeSync, existsSync, openSync, readFileSync, readSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';

/**
 * The tree id of HEAD's commit: null when HEAD is unborn (no commit yet), undefined when it cannot be told
 * here (a reftable, an object only an alternate or a delta holds, anything unexpected): the caller asks git.
 */
export function headTree(gitDir: string): string | null | undefined {
  const commit = resolveHead(gitDir);
  if (commit === null || commit === undefined) return commit;
  const text = readCommit(gitDir, commit);
  return text === undefined ? undefined : /^tree ([0-9a-f]{40})\n/.exec(text)?.[1];
}

/** HEAD's commit id, null when its branch has no commit yet. */
function resolveHead(gitDir: string): string | null | undefined {
  if (existsSync(join(gitDir, 'reftable'))) return undefined;
  let name = 'HEAD';
  for (let depth = 0; depth < 5; depth++) {
    const value = refValue(gitDir, name);
    if (value === undefined) return name === 'HEAD' ? undefined : null;
    if (/^[0-9a-f]{40}$/.test(value)) return value;
    const symbolic = /^ref: (refs\/\S+)$/.exec(value);
    if (!symbolic) return undefined;
    name = symbolic[1]!;
  }
  return undefined;
}

/** A ref's value: its loose file, else its line in packed-refs. */
function refValue(gitDir: string, name: string): string | undefined {
  try {
    return readFileSync(join(gitDir, ...name.split('/')), 'utf8').trim();
  } catch {
    // not loose
  }
  if (name === 'HEAD') return undefined;
  let packed: string;
  try {
    packed = readFileSync(join(gitDir, 'packed-refs'), 'utf8');
  } catch {
    return undefined;
  }
  for (const line of packed.split('\n')) {
    if (line.endsWith(` ${name}`) && /^[0-9a-f]{40} /.test(line)) return line.slice(0, 40);
  }
  return undefined;
}

/** A commit's text from a loose object or a pack (undeltified: commits nearly always are). */
function readCommit(gitDir: string, id: string): string | undefined {
  const objects = join(gitDir, 'objects');
  try {
    const raw = inflateSync(readFileSync(join(objects, id.slice(0, 2), id.slice(2))));
    const nul = raw.indexOf(0);
    return raw.toString('latin1', 0, nul).startsWith('commit ') ? raw.toString('utf8', nul + 1) : undefined;
  } catch {
    // not loose: look in the packs
  }
  let packs: string[];
  try {
    packs = readdirSync(join(objects, 'pack')).filter((name) => name.endsWith('.idx'));
  } catch {
    return undefined;
  }
  for (const idx of packs) {
    const offset = packOffset(join(objects, 'pack', idx), id);
    if (offset !== undefined)
      return packedCommit(join(objects, 'pack', idx.replace(/\.idx$/, '.pack')), offset);
  }
  return undefined;
}

/** An object's offset in its pack, from a version 2 pack index (fan-out, sorted ids, offsets). */
function packOffset(idxFile: string, id: string): number | undefined {
  let idx: Buffer;
  try {
    idx = readFileSync(idxFile);
  } catch {
    return undefined;
  }
  if (idx.readUInt32BE(0) !== 0xff744f63 || idx.readUInt32BE(4) !== 2) return undefined;
  const target = Buffer.from(id, 'hex');
  const fanout = 8;
  const first = target[0]!;
  let lo = first === 0 ? 0 : idx.readUInt32BE(fanout + (first - 1) * 4);
  let hi = idx.readUInt32BE(fanout + first * 4);
  const total = idx.readUInt32BE(fanout + 255 * 4);
  const ids = fanout + 256 * 4;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const order = idx.compare(target, 0, 20, ids + mid * 20, ids + mid * 20 + 20);
    if (order === 0) {
      const offsets = ids + total * 20 + total * 4;
      const small = idx.readUInt32BE(offsets + mid * 4);
      if (!(small & 0x80000000)) return small;
      const large = offsets + total * 4 + (small & 0x7fffffff) * 8;
      return Number(idx.readBigUInt64BE(large));
    }
    if (order < 0) lo = mid + 1;
    else hi = mid;
  }
  return undefined;
}

/** The commit at `offset` in a pack, if it is stored whole (type 1), not as a delta. */
function packedCommit(packFile: string, offset: number): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(packFile, 'r');
    const head = Buffer.alloc(16);
    readSync(fd, head, 0, head.length, offset);
    let byte = head[0]!;
    if (((byte >> 4) & 7) !== 1) return undefined;
    let size = byte & 0x0f;
    let at = 1;
    for (let shift = 4; byte & 0x80; shift += 7) {
      byte = head[at++]!;
      size += (byte & 0x7f) * 2 ** shift;
    }
    // Deflate adds a few bytes at most to what it cannot compress: size + 1 KB holds the whole stream.
    const body = Buffer.alloc(size + 1024);
    const read = readSync(fd, body, 0, body.length, offset + at);
    const text = inflateSync(body.subarray(0, read), { finishFlush: 2 /* Z_SYNC_FLUSH */ });
    return text.length >= size ? text.toString('utf8', 0, size) : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
