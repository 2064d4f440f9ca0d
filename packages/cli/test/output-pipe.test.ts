import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { GIT_ENV, Scratch, fakeKey } from '@keyward/test-utils';

// The real bin (the bundle), as a shell pipeline runs it.
const BIN = fileURLToPath(new URL('../bin/keyward.js', import.meta.url));

const scratch = new Scratch();
afterEach(() => scratch.clear());

/** Runs keyward with its stdout's reader gone from the start, as `keyward … | head -0` leaves it. */
function runWithClosedStdout(args: string[], cwd: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, ...GIT_ENV, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('output to a reader that went away (keyward … | head)', () => {
  it('rules list exits 0 with no stack trace', async () => {
    const repo = scratch.repo();
    const { code, stderr } = await runWithClosedStdout(['rules', 'list'], repo.dir);
    expect(stderr).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
    expect(code).toBe(0);
  });

  it('a scan with findings still exits 1, never a clean 0, and prints no secret or stack', async () => {
    const repo = scratch.repo();
    const key = fakeKey('openai-project', 41);
    const lines = Array.from({ length: 400 }, (_, i) => `const key${i} = "${i === 0 ? key : 'x'}";`);
    repo.write({ 'src/config.ts': `${lines.join('\n')}\n`, 'src/more.ts': `export const k = "${key}";\n` });
    const { code, stderr } = await runWithClosedStdout(['scan', '.'], repo.dir);
    expect(stderr).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
    expect(stderr).not.toContain(key);
    expect(stderr).toMatch(/secret/);
    expect(code).toBe(1);
  });
});
