/**
 * Packs the `keyward` tarball that users install: `node scripts/pack.mjs [--out <dir>]` (default: the
 * repository's release/ folder) prints the tarball's path. Run `pnpm build` first: it packs the bundle.
 *
 * Why a staging folder instead of `pnpm pack` here: this package.json lists the workspace packages it
 * bundles as devDependencies, and the build scripts; neither means anything to a user, so the published
 * manifest is written fresh from the fields below, and only bin/, bundle/ (no code cache), README and
 * LICENSE go in.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(cli, '..', '..');

/** The fields a published manifest carries; everything else (scripts, devDependencies) stays behind. */
const PUBLISHED_FIELDS = [
  'name',
  'version',
  'description',
  'keywords',
  'homepage',
  'bugs',
  'repository',
  'license',
  'type',
  'bin',
  'exports',
  'engines',
];

export function publishedManifest(manifest) {
  const published = {};
  for (const field of PUBLISHED_FIELDS) if (manifest[field] !== undefined) published[field] = manifest[field];
  published.files = ['bin', 'bundle'];
  return published;
}

export function pack(outDir) {
  if (!existsSync(join(cli, 'bundle', 'main.cjs'))) {
    throw new Error('pack: no bundle/main.cjs: run `pnpm build` first');
  }
  // A folder of its own per call: test files pack in parallel.
  const staging = mkdtempSync(join(tmpdir(), 'keyward-pack-'));
  cpSync(join(cli, 'bin'), join(staging, 'bin'), { recursive: true });
  cpSync(join(cli, 'bundle'), join(staging, 'bundle'), {
    recursive: true,
    filter: (source) => !source.split(/[\\/]/).includes('.v8-cache'),
  });
  cpSync(join(cli, 'README.md'), join(staging, 'README.md'));
  cpSync(join(root, 'LICENSE'), join(staging, 'LICENSE'));
  const manifest = JSON.parse(readFileSync(join(cli, 'package.json'), 'utf8'));
  writeFileSync(join(staging, 'package.json'), `${JSON.stringify(publishedManifest(manifest), null, 2)}\n`);
  mkdirSync(outDir, { recursive: true });
  const [info] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', outDir], {
      cwd: staging,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  rmSync(staging, { recursive: true, force: true });
  return join(outDir, info.filename);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  process.stdout.write(`${pack(resolve(values.out ?? join(root, 'release')))}\n`);
}
