/**
 * The working-tree corpus: deterministic (seeded), realistic source trees with a few planted fake keys at
 * recorded positions. A part is one folder of `bytes` bytes in projects of ~4 MB; its manifest (kept
 * beside the folder, outside what is scanned) lists every file's size and every planted key.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fakeKey, rng } from '../keys.mjs';
import { KINDS, Lines } from './files.mjs';
import { vocab } from './vocab.mjs';

/** Bump when the generator's output changes, so stale corpora are rebuilt. */
export const GENERATOR_VERSION = 2;

const PROJECT_BYTES = 4 * 1024 * 1024;

/** What each planted kind must be reported as: an exact OpenAI rule id, or the id prefix of its provider. */
export const PLANTED_KINDS = [
  { kind: 'openai-project', env: 'OPENAI_API_KEY', ruleId: 'openai-project-key' },
  { kind: 'openai-svcacct', env: 'OPENAI_API_KEY', ruleId: 'openai-service-account-key' },
  { kind: 'openai-admin', env: 'OPENAI_ADMIN_KEY', ruleId: 'openai-admin-key' },
  { kind: 'openai-legacy', env: 'OPENAI_API_KEY', ruleId: 'openai-legacy-key' },
  { kind: 'openai-none', env: 'OPENAI_API_KEY', ruleId: 'openai-user-key' },
  { kind: 'openai-project-56', env: 'OPENAI_API_KEY', ruleId: 'openai-project-key' },
  { kind: 'anthropic', env: 'ANTHROPIC_API_KEY', rulePrefix: 'anthropic-' },
  { kind: 'groq', env: 'GROQ_API_KEY', rulePrefix: 'groq-' },
];
/** Non-OpenAI `sk-` keys: whatever else reports them, no `openai-` rule may. */
export const DECOY_KINDS = [
  { kind: 'openrouter', env: 'OPENROUTER_API_KEY' },
  { kind: 'deepseek', env: 'DEEPSEEK_API_KEY' },
];

function keyLine(kindName, env, key, v) {
  switch (kindName) {
    case 'ts':
    case 'js':
    case 'test':
    case 'min':
      return `const ${v.camel(1)}Client = new Client({ apiKey: '${key}' });`;
    case 'py':
      return `client = Client(api_key="${key}")`;
    case 'go':
      return `\tclient := provider.NewClient("${key}")`;
    case 'json':
    case 'data':
    case 'lock':
    case 'map':
      return `  "apiKey": "${key}",`;
    case 'yaml':
      return `      ${env}: ${key}`;
    case 'css':
      return `/* ${env.toLowerCase()}: ${key} */`;
    case 'env':
      return `${env}=${key}`;
    default:
      return `export ${env}="${key}"`;
  }
}

function logUniform(next, lo, hi) {
  return Math.exp(Math.log(lo) + next() * (Math.log(hi) - Math.log(lo)));
}

function sizeOf(kind, next) {
  if (kind.size === 'source') {
    return Math.round(1024 * (next() < 0.9 ? logUniform(next, 1, 20) : logUniform(next, 20, 150)));
  }
  return Math.round(1024 * logUniform(next, kind.size[0], kind.size[1]));
}

function pickKind(next) {
  const total = KINDS.reduce((sum, k) => sum + k.weight, 0);
  let r = next() * total;
  for (const kind of KINDS) {
    r -= kind.weight;
    if (r < 0) return kind;
  }
  return KINDS[0];
}

/** Where a part and its manifest live. */
export function partPaths(root, seed, megabytes) {
  const name = `part-s${seed}-${megabytes}mb`;
  return { dir: join(root, name), manifest: join(root, `${name}.manifest.json`) };
}

/**
 * Generates (or reuses, when the manifest matches) one part of `megabytes` MB from `seed`. Returns the
 * manifest: { version, seed, megabytes, dir, files, bytes, projects: [{ dir, bytes }], planted, decoys }.
 */
export function ensurePart({ root, seed, megabytes, log = () => {} }) {
  const paths = partPaths(root, seed, megabytes);
  if (existsSync(paths.manifest) && existsSync(paths.dir)) {
    const manifest = JSON.parse(readFileSync(paths.manifest, 'utf8'));
    if (manifest.version === GENERATOR_VERSION) return manifest;
  }
  rmSync(paths.dir, { recursive: true, force: true });
  const started = performance.now();
  const manifest = generatePart(paths.dir, seed, megabytes);
  writeFileSync(paths.manifest, JSON.stringify(manifest, null, 1));
  log(
    `generated ${manifest.files} files, ${megabytes} MB, in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return manifest;
}

export function generatePart(dir, seed, megabytes) {
  const next = rng(seed);
  const v = vocab(next);
  const target = megabytes * 1024 * 1024;
  const plantedCount = Math.max(PLANTED_KINDS.length, Math.round(megabytes / 10));
  const decoyCount = Math.max(DECOY_KINDS.length, Math.round(plantedCount / 4));
  // Keys go into the files that cross evenly spaced byte offsets; decoys halfway between.
  const plantAt = Array.from({ length: plantedCount }, (_, i) => ((i + 0.5) * target) / plantedCount);
  const decoyAt = Array.from({ length: decoyCount }, (_, i) => ((i + 0.25) * target) / decoyCount);
  const planted = [];
  const decoys = [];
  const projects = [];
  const made = new Set();
  const pending = [];
  let bytes = 0;
  let files = 0;
  let project = null;

  const plant = (list, kinds, lines, kind, path) => {
    const spec = kinds[list.length % kinds.length];
    const key = fakeKey(spec.kind, seed * 100_000 + list.length + (kinds === DECOY_KINDS ? 50_000 : 0));
    const text = keyLine(kind.name, spec.env, key, v);
    const index = v.int(Math.min(3, lines.lines.length), lines.lines.length);
    lines.lines.splice(index, 0, text);
    lines.bytes += text.length + 1;
    const record = {
      path,
      line: 0,
      column: text.indexOf(key) + 1,
      kind: spec.kind,
      ...(spec.ruleId ? { ruleId: spec.ruleId } : {}),
      ...(spec.rulePrefix ? { rulePrefix: spec.rulePrefix } : {}),
      last4: key.slice(-4),
      length: key.length,
    };
    list.push(record);
    pending.push({ record, text });
  };

  while (bytes < target) {
    if (!project || project.bytes >= PROJECT_BYTES) {
      project = { dir: `proj-${String(projects.length).padStart(4, '0')}`, bytes: 0 };
      projects.push(project);
    }
    const kind = pickKind(next);
    const size = sizeOf(kind, next);
    const lines = new Lines();
    kind.gen(v, lines, size);
    const path = `${project.dir}/${kind.dir}/${kind.prefix ?? ''}${v.snake(2)}-${files}${kind.ext}`;
    while (planted.length < plantAt.length && bytes + lines.bytes > plantAt[planted.length]) {
      plant(planted, PLANTED_KINDS, lines, kind, path);
    }
    while (decoys.length < decoyAt.length && bytes + lines.bytes > decoyAt[decoys.length]) {
      plant(decoys, DECOY_KINDS, lines, kind, path);
    }
    // Line numbers once every insertion is done: a later one can shift an earlier one.
    for (const { record, text } of pending.splice(0)) record.line = lines.lines.indexOf(text) + 1;
    const full = join(dir, path);
    const folder = dirname(full);
    if (!made.has(folder)) {
      mkdirSync(folder, { recursive: true });
      made.add(folder);
    }
    const content = lines.lines.join('\n') + '\n';
    writeFileSync(full, content);
    bytes += content.length;
    project.bytes += content.length;
    files++;
  }
  return { version: GENERATOR_VERSION, seed, megabytes, dir, files, bytes, projects, planted, decoys };
}
