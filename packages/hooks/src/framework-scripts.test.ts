import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { FRAMEWORK_SCRIPTS, frameworkScript } from './framework-scripts.js';
import { HOOK_NAMES } from './types.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface ManifestHook {
  id: string;
  entry: string;
  language: string;
  stages: string[];
  pass_filenames: boolean;
  always_run: boolean;
}

describe("keyward's .pre-commit-hooks.yaml", () => {
  const manifest = parseYaml(readFileSync(`${ROOT}.pre-commit-hooks.yaml`, 'utf8')) as ManifestHook[];

  it('has a pre-commit and a pre-push hook, with stage names pre-commit 3.0 and current releases accept', () => {
    expect(manifest.map((h) => [h.id, h.stages])).toEqual([
      ['keyward', ['commit']],
      ['keyward-pre-push', ['push']],
    ]);
    for (const hook of manifest) {
      expect(hook).toMatchObject({ language: 'script', pass_filenames: false, always_run: true });
    }
  });

  it.each(HOOK_NAMES.map((hook, i) => [hook, i] as const))(
    'runs the committed %s script, up to date and executable',
    (hook, i) => {
      const path = FRAMEWORK_SCRIPTS[hook];
      expect(manifest[i]?.entry).toBe(path);
      const file = `${ROOT}${path}`;
      if (process.env.UPDATE_HOOK_SCRIPTS === '1') {
        writeFileSync(file, frameworkScript(hook));
        chmodSync(file, 0o755);
      }
      const message = `${path} is stale: run UPDATE_HOOK_SCRIPTS=1 pnpm vitest run packages/hooks/src/framework-scripts.test.ts`;
      expect(readFileSync(file, 'utf8'), message).toBe(frameworkScript(hook));
      expect(statSync(file).mode & 0o111).toBe(0o111);
    },
  );
});
