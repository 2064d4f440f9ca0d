import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fakeKey, randomString, rng, type FakeKeyKind } from '@keyward/test-utils';

/** keyward's top-level fixtures/agents (DESIGN §6). */
export const AGENT_FIXTURES = fileURLToPath(new URL('../../../../fixtures/agents/', import.meta.url));

/**
 * The key a placeholder stands for: `{{openai-project:3}}` is fakeKey('openai-project', 3); `{{generic:5}}`
 * a 40-character random secret (a value only the secret-named field rule can recognise).
 */
export function keyFor(kind: string, seed: number): string {
  if (kind === 'generic') return randomString(rng(seed * 7919), 'alnum', 40);
  return fakeKey(kind as FakeKeyKind, seed);
}

const PLACEHOLDER = /\{\{([a-z0-9-]+):(\d+)\}\}/g;

/**
 * Copies a fixture folder to `target`, filling every placeholder with its key (so no key-shaped literal is
 * ever committed), and renaming `gitignore` to `.gitignore` (a committed .gitignore would hide the fixture
 * files from keyward's own repository). Returns the files written, relative to target.
 */
export function materialize(fixture: string, target: string): string[] {
  const source = join(AGENT_FIXTURES, fixture);
  const written: string[] = [];
  for (const file of walk(source)) {
    const rel = relative(source, file).replace(/(^|[\\/])gitignore$/, '$1.gitignore');
    const text = readFileSync(file, 'utf8').replace(PLACEHOLDER, (_, kind: string, seed: string) =>
      keyFor(kind, Number(seed)),
    );
    mkdirSync(dirname(join(target, rel)), { recursive: true });
    writeFileSync(join(target, rel), text);
    written.push(rel);
  }
  return written;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** A finding of `keyward agents --format json`, as the tests read it. */
export interface JsonFinding {
  ruleId: string;
  severity: string;
  path: string;
  line: number;
  redacted: string;
  secret?: string;
  agent?: string;
  keyPath?: string;
  scope?: string;
  git?: string;
  why?: string;
  fix?: string;
}
