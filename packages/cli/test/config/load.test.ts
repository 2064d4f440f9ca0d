import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '@keyward/test-utils/git';
import { loadConfig } from '../../src/config/index.js';
import { KeywardError } from '../../src/errors.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(() => undefined));

/** A folder tree: path → content; a path ending in `/` is a folder. */
function tree(files: Record<string, string>): string {
  const root = tempDir();
  dirs.push(root);
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    if (path.endsWith('/')) mkdirSync(full, { recursive: true });
    else {
      mkdirSync(join(full, '..'), { recursive: true });
      writeFileSync(full, content);
    }
  }
  return root;
}

async function configError(promise: Promise<unknown>): Promise<KeywardError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeywardError);
  const keyward = error as KeywardError;
  expect(keyward.exitCode).toBe(2);
  expect(keyward.message).not.toContain('\n');
  return keyward;
}

describe('finding the config file', () => {
  it('walks up from the scanned path to the repository root', async () => {
    const root = tree({
      'repo/.git/': '',
      'repo/keyward.config.json': '{"ignorePaths":["vendor/"]}',
      'repo/packages/a/src/x.ts': '',
    });
    const config = await loadConfig({ cwd: root, scanRoot: 'repo/packages/a/src/x.ts' });
    expect(config.file).toBe(join(root, 'repo/keyward.config.json'));
    expect(config.baseDir).toBe(join(root, 'repo'));
    expect(config.repoRoot).toBe(join(root, 'repo'));
    expect(config.ignorePaths).toEqual(['vendor/']);
  });

  it('takes the nearest config (a package of a monorepo)', async () => {
    const root = tree({
      '.git/': '',
      'keyward.config.json': '{}',
      'packages/a/.keyward.yml': 'inlineAllow: false\n',
    });
    const config = await loadConfig({ cwd: join(root, 'packages/a') });
    expect(config.file).toBe(join(root, 'packages/a/.keyward.yml'));
    expect(config.inlineAllow).toBe(false);
  });

  it('never looks above the repository root', async () => {
    const root = tree({
      'keyward.config.json': '{"inlineAllow":false}',
      'repo/.git': 'gitdir: ../elsewhere\n',
    });
    const config = await loadConfig({ cwd: join(root, 'repo') });
    expect(config.file).toBeUndefined();
    expect(config.inlineAllow).toBe(true);
    expect(config.baseDir).toBe(join(root, 'repo'));
  });

  it('outside a repository looks only at the scanned folder', async () => {
    const root = tree({ 'keyward.config.json': '{"inlineAllow":false}', 'sub/file.txt': '' });
    expect((await loadConfig({ cwd: join(root, 'sub') })).file).toBeUndefined();
    expect((await loadConfig({ cwd: root })).file).toBe(join(root, 'keyward.config.json'));
  });

  it('uses --config and nothing else', async () => {
    const root = tree({
      '.git/': '',
      'keyward.config.json': '{"inlineAllow":false}',
      'ci/strict.json': '{"maxFileSize":"2MB"}',
    });
    const config = await loadConfig({ cwd: root, explicitPath: 'ci/strict.json' });
    expect(config.file).toBe(join(root, 'ci/strict.json'));
    expect(config.inlineAllow).toBe(true);
    expect(config.maxFileSize).toBe(2 * 1024 * 1024);
  });

  it('refuses two config files in one folder', async () => {
    const root = tree({ '.git/': '', 'keyward.config.json': '{}', '.keyward.yml': '' });
    const error = await configError(loadConfig({ cwd: root }));
    expect(error.message).toMatch(/keyward\.config\.json and \.keyward\.yml both exist/);
  });

  it('reports a missing --config file', async () => {
    const root = tree({});
    const error = await configError(loadConfig({ cwd: root, explicitPath: 'nope.json' }));
    expect(error.code).toBe('E_CONFIG_READ');
    expect(error.message).toBe(`${join(root, 'nope.json')}: cannot read the config file (no such file)`);
  });
});

describe('parsing', () => {
  it('reads YAML with the same schema', async () => {
    const yaml = [
      'extends: keyward:recommended',
      'rules:',
      '  openai-legacy-key: off',
      '  anthropic-api-key: { severity: critical }',
      'ignorePaths: [fixtures/, "*.snap"]',
      'inlineAllow: local',
      'verify: { timeoutMs: 5000, concurrency: 2 }',
      '',
    ].join('\n');
    const root = tree({ '.git/': '', '.keyward.yml': yaml });
    const config = await loadConfig({ cwd: root, env: {} });
    expect(config.rules.get('openai-legacy-key')).toEqual({ enabled: false });
    expect(config.rules.get('anthropic-api-key')).toEqual({ severity: 'critical' });
    expect(config.ignorePaths).toEqual(['fixtures/', '*.snap']);
    expect(config.inlineAllow).toBe(true);
    expect(config.verify).toEqual({ timeoutMs: 5000, concurrency: 2 });
    expect((await loadConfig({ cwd: root, env: { CI: 'true' } })).inlineAllow).toBe(false);
  });

  it('treats an empty YAML file as an empty config', async () => {
    const root = tree({ '.git/': '', '.keyward.yml': '# nothing yet\n' });
    expect((await loadConfig({ cwd: root })).extends).toBe('keyward:recommended');
  });

  it('names the file and position of a JSON syntax error, without quoting the file', async () => {
    const root = tree({ '.git/': '', 'keyward.config.json': '{\n  "ignorePaths": ["a",]\n}\n' });
    const error = await configError(loadConfig({ cwd: root }));
    expect(error.code).toBe('E_CONFIG_PARSE');
    expect(error.message).toBe(
      `${join(root, 'keyward.config.json')}: not valid JSON: syntax error at line 2, column 23`,
    );
  });

  it('names the file and position of a YAML syntax error', async () => {
    const root = tree({ '.git/': '', '.keyward.yml': 'rules:\n  a: off\n  a: on\n' });
    const error = await configError(loadConfig({ cwd: root }));
    expect(error.code).toBe('E_CONFIG_PARSE');
    expect(error.message).toBe(
      `${join(root, '.keyward.yml')}: not valid YAML: duplicate key at line 3, column 3`,
    );
  });

  it.each([
    ['bad indentation', 'a:\n  b: 1\n c: 2\n'],
    ['an unknown escape', 'a: "bad \\q escape"\n'],
    ['an unclosed flow', 'ignorePaths: [fixtures/,\n'],
    ['a mapping in a plain value', 'a: b: c\n'],
    ['a tab in indentation', 'rules:\n\ta: off\n'],
  ])('reports %s in YAML on one line, with the file and position', async (_what, text) => {
    const root = tree({ '.git/': '', '.keyward.yml': text });
    const error = await configError(loadConfig({ cwd: root }));
    expect(error.code).toBe('E_CONFIG_PARSE');
    const file = join(root, '.keyward.yml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(error.message).toMatch(new RegExp(`^${file}: not valid YAML: [a-z ]+ at line \\d+, column \\d+$`));
  });

  it('names the file and key of a schema error', async () => {
    const root = tree({ '.git/': '', 'keyward.config.json': '{"rules":{"x":{"severity":"urgent"}}}' });
    const error = await configError(loadConfig({ cwd: root }));
    expect(error.message).toBe(
      `${join(root, 'keyward.config.json')}: rules.x.severity: must be one of critical, high, medium, low`,
    );
  });
});
