import { decodeText, type Encoding } from './decode.js';
import { placeholderReason } from './placeholder.js';
import { isPhrase, testKeyReason } from './words.js';

/**
 * Judges what an encoded candidate says. git.git's HTTP auth tests hold `credential=` base64 of
 * `alice:secret-passwd`, `a-git-token` and `another-token`: test words, not secrets. A Basic credential
 * whose password is random, or the base64 of a random token, is still a secret, and is reported with the
 * encoded span as the secret. Only text that plainly is not a secret is judged so; anything else is kept.
 */

const USER_PASSWORD = /^([^\s:]{1,64}):(.+)$/s;

/** Why an encoded value is not a secret (never quoting the decoded text), or undefined. */
export function encodedTextReason(value: string): string | undefined {
  const decoded = decodeText(value);
  if (decoded === undefined) return undefined;
  const what = judgeText(decoded.text);
  return what === undefined ? undefined : `${describe(decoded.encoding)} of ${what}`;
}

function describe(encoding: Encoding): string {
  return encoding === 'percent' ? 'percent-encoding' : encoding;
}

/** What a decoded text is when it is plainly not a secret, or undefined. */
function judgeText(text: string): string | undefined {
  const userPassword = USER_PASSWORD.exec(text);
  if (userPassword) {
    const password = userPassword[2]!;
    return notSecret(password) ? 'user:password made of words' : undefined;
  }
  if (placeholderReason(text)) return 'a placeholder';
  return notSecret(text) ? 'words' : undefined;
}

/** Words, a phrase, a word-built test value or a placeholder: something a person typed, not a secret. */
function notSecret(text: string): boolean {
  return placeholderReason(text) !== undefined || testKeyReason(text) !== undefined || isPhrase(text);
}
