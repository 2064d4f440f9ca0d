import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Scratch, tempDir } from '@keyward/test-utils';
// @ts-expect-error: a plain .mjs script (run by `pnpm release:version`), no type declarations
import { PLACES, setVersion } from '../../../scripts/release/set-version.mjs';

type Rewrite = [RegExp, string];
interface Place {
  file: string;
  rewrites: Rewrite[];
}

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const places = PLACES as Place[];
const packageVersion = (root: string): string =>
  JSON.parse(readFileSync(join(root, 'packages/cli/package.json'), 'utf8')).version;

/** Every version each place pins: the version group of each match of each of its rewrites. */
function pinned(root: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const { file, rewrites } of places) {
    const text = readFileSync(join(root, file), 'utf8');
    const versions = rewrites.flatMap(([pattern]) =>
      [...text.matchAll(new RegExp(pattern.source, 'g'))].map((match) =>
        match[0].slice(match[1]!.length, match[0].length - (match[2]?.length ?? 0)),
      ),
    );
    found.set(file, versions);
  }
  return found;
}

const scratch = new Scratch();
afterEach(() => scratch.clear());

describe('the version a release pins', () => {
  it('is the package version in every place that pins one', () => {
    const version = packageVersion(ROOT);
    for (const [file, versions] of pinned(ROOT)) {
      expect(versions.length, `${file} pins no version`).toBeGreaterThan(0);
      expect(new Set(versions), file).toEqual(new Set([version]));
    }
  });

  it('is moved everywhere at once by pnpm release:version', () => {
    const copy = tempDir();
    scratch.add(() => rmSync(copy, { recursive: true, force: true }));
    for (const file of [...places.map((place) => place.file), 'CHANGELOG.md']) {
      mkdirSync(join(copy, dirname(file)), { recursive: true });
      cpSync(join(ROOT, file), join(copy, file));
    }
    setVersion(copy, '9.8.7', '2030-01-02');
    expect(packageVersion(copy)).toBe('9.8.7');
    for (const [file, versions] of pinned(copy)) expect(new Set(versions), file).toEqual(new Set(['9.8.7']));
    const changelog = readFileSync(join(copy, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toContain('\n## Unreleased\n\n## 9.8.7 (2030-01-02)\n');
    expect(() => setVersion(copy, 'v1.0', '2030-01-02')).toThrow(/not a version/);
  });
});
