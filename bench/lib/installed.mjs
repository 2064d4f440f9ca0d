/**
 * keyward as users get it: the tarball that `packages/cli/scripts/pack.mjs` makes (what is published),
 * installed with `npm install --save-dev <tarball>` into a project, run as `node_modules/.bin/keyward`.
 * A file install needs no registry; the tarball has no dependencies, so npm fetches nothing.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { firstLine } from './keyward.mjs';
import { REPO_ROOT, benchDir } from './paths.mjs';
import { sh } from './proc.mjs';

const PACK = join(REPO_ROOT, 'packages/cli/scripts/pack.mjs');

/**
 * Packs the built CLI and installs it into `project` (made an npm project first when it is not one: npm
 * would otherwise install into the nearest folder above that has a package.json, this repository). Every
 * call installs afresh, so the install holds the bundle just built and no code cache from an older run.
 * Returns { bin, tarball } or { error } (not built, pack or install failed).
 */
export async function installPackage(project) {
  try {
    const { pack } = await import(pathToFileURL(PACK).href);
    const tarball = pack(benchDir('pack'));
    if (!existsSync(join(project, 'package.json'))) {
      writeFileSync(
        join(project, 'package.json'),
        `${JSON.stringify({ name: 'keyward-bench-project', private: true }, null, 2)}\n`,
      );
    }
    rmSync(join(project, 'node_modules', 'keyward'), { recursive: true, force: true });
    // No lockfile: a rebuilt tarball keeps its name and version, and a recorded integrity would refuse it.
    const flags = ['--save-dev', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error'];
    sh('npm', ['install', ...flags, tarball], {
      cwd: project,
      // The same Node as the checkout's runs: the bin's `#!/usr/bin/env node` finds it first on PATH.
      env: { PATH: nodeFirstOnPath() },
    });
    const bin = join(project, 'node_modules', '.bin', 'keyward');
    if (!existsSync(bin)) return { error: 'npm install left no node_modules/.bin/keyward' };
    return { bin, tarball };
  } catch (error) {
    return { error: firstLine(error.message) };
  }
}

/** PATH with this process's Node first: what `#!/usr/bin/env node` runs, for the installed bin. */
export function nodeFirstOnPath() {
  return [dirname(process.execPath), process.env.PATH].filter(Boolean).join(':');
}
