import { Readable } from 'node:stream';
import { run } from '@keyward/cli';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the keyward CLI in-process, as `run(argv, io)`, with captured output. No TTY, no colour, and an
 * environment with CI and colour variables removed unless given.
 */
export async function runCli(
  argv: string[],
  options: { cwd: string; env?: Record<string, string | undefined>; stdin?: string | Buffer } = {
    cwd: process.cwd(),
  },
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const base = { ...process.env };
  for (const key of [
    'CI',
    'GITHUB_ACTIONS',
    'GITHUB_STEP_SUMMARY',
    'FORCE_COLOR',
    'NO_COLOR',
    'KEYWARD_OPENAI_BASE_URL',
  ])
    delete base[key];
  const code = await run(argv, {
    stdout: { write: (chunk: string | Uint8Array) => (stdout += chunk.toString()) },
    stderr: { write: (chunk: string | Uint8Array) => (stderr += chunk.toString()) },
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    env: { ...base, ...options.env },
    cwd: options.cwd,
  });
  return { code, stdout, stderr };
}
