import {
  BaseUrlError,
  parseBaseUrlFlags,
  parseResultsFilter,
  resolveBaseUrls,
  type ApplyVerificationOptions,
} from '@keyward/verifier';
import type { VerificationStatus } from '@keyward/core';
import type { Args } from '../handlers.js';
import type { Io } from '../io.js';
import { KeywardError } from '../errors.js';
import { VERSION } from '../version.js';

export const USER_AGENT = `keyward/${VERSION} (secret verification; +https://github.com/keyward/keyward)`;

/**
 * Verifier options from `--blast-radius`, `--only-live`, `--results`, `--base-url`, `--timeout` and the
 * environment (`KEYWARD_<PROVIDER>_BASE_URL`), for `keyward verify` and `scan --verify` alike. Never from a
 * config file: a repository must not be able to send the keys found in it to a host of its choosing.
 * Bad values throw a KeywardError before any request is sent.
 */
export function verificationOptionsFromArgs(
  args: Args,
  io: Pick<Io, 'env' | 'stderr'>,
): ApplyVerificationOptions {
  const baseUrls = withBaseUrlErrors(() => {
    const flags = parseBaseUrlFlags(stringList(args['base-url']));
    resolveBaseUrls(io.env, flags); // validates every override now, not halfway through a run
    return flags;
  });
  const options: ApplyVerificationOptions = {
    env: io.env,
    baseUrls,
    blastRadius: args['blast-radius'] === true,
    userAgent: USER_AGENT,
    onNotice: (line) => io.stderr.write(`keyward: ${line}\n`),
  };
  const results = resultsFilter(args);
  if (results) options.results = results;
  if (args.timeout !== undefined) {
    const seconds = Number(args.timeout);
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 300) {
      throw new KeywardError('E_USAGE', {
        message: '--timeout: give the seconds allowed for one request (0 < s ≤ 300)',
      });
    }
    options.timeoutMs = Math.round(seconds * 1000);
  }
  return options;
}

function resultsFilter(args: Args): VerificationStatus[] | undefined {
  const words = stringList(args.results);
  if (args['only-live'] === true) {
    if (words.length > 0)
      throw new KeywardError('E_USAGE', { message: 'use --only-live or --results, not both' });
    return ['live'];
  }
  if (words.length === 0) return undefined;
  const statuses = parseResultsFilter(words);
  if (!statuses) {
    throw new KeywardError('E_USAGE', {
      message: '--results: list verdicts separated by commas: live, unknown, invalid',
    });
  }
  return statuses;
}

function withBaseUrlErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof BaseUrlError) {
      throw new KeywardError('E_VERIFY_BASE_URL', { source: error.source, reason: error.reason });
    }
    throw error;
  }
}

function stringList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}
