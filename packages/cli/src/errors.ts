import { MESSAGES, type ErrorCode } from './messages.js';
import type { ExitCode } from './exit-codes.js';

/** An expected failure: a code from the messages table plus the data its template needs. */
export class KeywardError extends Error {
  readonly code: ErrorCode;
  readonly data: Record<string, string | number>;

  constructor(code: ErrorCode, data: Record<string, string | number> = {}) {
    super(renderMessage(code, data));
    this.name = 'KeywardError';
    this.code = code;
    this.data = data;
  }

  get exitCode(): ExitCode {
    return MESSAGES[this.code].exit;
  }
}

export function renderMessage(code: ErrorCode, data: Record<string, string | number>): string {
  return MESSAGES[code].text.replace(/\{(\w+)\}/g, (_, name: string) => String(data[name] ?? ''));
}

export function isKeywardError(error: unknown): error is KeywardError {
  return error instanceof KeywardError;
}
