/**
 * Sets keyward's version everywhere a release pins it: `node scripts/release/set-version.mjs 0.2.0`
 * (`pnpm release:version 0.2.0`). docs/releasing.md says when; test/release-version.test.ts checks that the
 * places agree, so a release cannot pin the pre-commit hook or the READMEs to another version.
 *
 * The places: the package's version (packages/cli/package.json), the CLI's VERSION constant, the package
 * the pre-commit framework installs (.pre-commit-hooks.yaml, `keyward@x.y.z`), the tags the READMEs pin
 * (`rev: vx.y.z`, `keyward/keyward@vx.y.z`), and the CHANGELOG's Unreleased heading.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
const VERSION = String.raw`\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?`;

/** Each file and the rewrites that put `version` into it; a rewrite that matches nothing is an error. */
export const PLACES = [
  {
    file: 'packages/cli/package.json',
    rewrites: [[new RegExp(`("version": ")${VERSION}(")`), `$1{v}$2`]],
  },
  {
    file: 'packages/cli/src/version.ts',
    rewrites: [[new RegExp(`(export const VERSION = ')${VERSION}(')`), `$1{v}$2`]],
  },
  {
    file: '.pre-commit-hooks.yaml',
    rewrites: [
      [new RegExp(`(keyward@)${VERSION}`, 'g'), `$1{v}`],
      [new RegExp(`(rev: v)${VERSION}`, 'g'), `$1{v}`],
    ],
  },
  { file: 'README.md', rewrites: [[new RegExp(`(rev: v|keyward/keyward@v)${VERSION}`, 'g'), `$1{v}`]] },
  { file: 'packages/cli/README.md', rewrites: [[new RegExp(`(rev: v)${VERSION}`, 'g'), `$1{v}`]] },
  { file: 'docs/ci.md', rewrites: [[new RegExp(`(keyward/keyward@v)${VERSION}`, 'g'), `$1{v}`]] },
];

export function setVersion(root, version, date = new Date().toISOString().slice(0, 10)) {
  if (!SEMVER.test(version)) throw new Error(`set-version: '${version}' is not a version (x.y.z)`);
  const writes = [];
  for (const { file, rewrites } of PLACES) {
    let text = readFileSync(join(root, file), 'utf8');
    for (const [pattern, replacement] of rewrites) {
      if (!pattern.test(text)) throw new Error(`set-version: ${file} has no ${pattern} to rewrite`);
      pattern.lastIndex = 0;
      text = text.replace(pattern, replacement.replaceAll('{v}', version));
    }
    writes.push([file, text]);
  }
  const changelog = readFileSync(join(root, 'CHANGELOG.md'), 'utf8');
  if (!changelog.includes('\n## Unreleased\n'))
    throw new Error('set-version: CHANGELOG.md has no "## Unreleased" section');
  writes.push([
    'CHANGELOG.md',
    changelog.replace('\n## Unreleased\n', `\n## Unreleased\n\n## ${version} (${date})\n`),
  ]);
  for (const [file, text] of writes) writeFileSync(join(root, file), text);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const version = process.argv[2];
  if (!version) {
    process.stderr.write('usage: node scripts/release/set-version.mjs <x.y.z>\n');
    process.exit(2);
  }
  try {
    setVersion(join(dirname(fileURLToPath(import.meta.url)), '..', '..'), version);
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
}
