/**
 * Expected failures of the git sources. Each code has a one-line template in the CLI's messages table
 * (packages/cli/src/messages.ts) and `data` holds the template's fields; the CLI turns a SourceError into
 * its own KeywardError. Data never holds a secret: only paths, revisions, object ids and git's messages.
 */
export type SourceErrorCode =
  | 'E_NOT_A_REPO'
  | 'E_GIT_MISSING'
  | 'E_GIT_FAILED'
  | 'E_RANGE_SYNTAX'
  | 'E_RANGE_UNRESOLVED'
  | 'E_RANGE_NO_COMMITS'
  | 'E_RANGE_SHALLOW'
  | 'E_REF_UNRESOLVED'
  | 'E_PRE_PUSH_INPUT'
  | 'E_SHARD_SYNTAX'
  | 'E_HISTORY_INCOMPLETE';

export class SourceError extends Error {
  readonly code: SourceErrorCode;
  readonly data: Record<string, string | number>;

  constructor(code: SourceErrorCode, data: Record<string, string | number>, message?: string) {
    super(message ?? `${code} ${JSON.stringify(data)}`);
    this.name = 'SourceError';
    this.code = code;
    this.data = data;
  }
}

export function isSourceError(error: unknown): error is SourceError {
  return error instanceof SourceError;
}
