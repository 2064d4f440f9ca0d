/**
 * The ~300 most common letter pairs of English text. A run of letters most of whose pairs are common reads
 * as a word (`Compat`, `Password`, `SECRET`); the letters of a random token rarely do (~22% of pairs).
 */
const COMMON_BIGRAMS = new Set(
  (
    'th he in er an re on at en nd ti es or te of ed is it al ar st to nt ng se ha as ou io le ve co me de hi ri ro ' +
    'ic ne ea ra ce li ch ll be ma si om ur ca el ta la ns di fo ho pe ec pr no ct us ac ot il tr ly nc et ut ss so ' +
    'rs un lo wa ge ie wh ee wi em ad ol rt po we na ul ni ts mo ow pa im mi ai sh ir su id os iv ia am fi ci vi pl ' +
    'ig tu ev ld ry mp fe bl ab gh ty op wo sa ay ex ke fr oo av ag if ap gr od bo sp rd do uc bu ei ov by rm ep tt ' +
    'oc fa ef cu rn sc gi da yo cr cl du ga qu ue ff ba ey ls va um pp ua up lu go ht ru ug ds lt pi rc rr eg au ck ' +
    'ew mu br bi pt ak pu ui rg ib tl ny ki rk ys ob mm fu ph og ms ye ud mb ip ub oi rl gu dr hr cc tw ft wn nu af ' +
    'hu nn eo vo rv nf xp gn sm fl iz ok nl my gl aw ju oa eq sy sl ps jo fs nk sk ze'
  ).split(' '),
);

/** Whether a run of letters reads as an English word (3+ letters, at least 3/4 of its pairs common). */
export function isWordLike(run: string): boolean {
  if (run.length < 3) return false;
  const word = run.toLowerCase();
  let common = 0;
  for (let i = 1; i < word.length; i++) if (COMMON_BIGRAMS.has(word.slice(i - 1, i + 1))) common++;
  return common / (word.length - 1) >= 0.75;
}

/**
 * Share of a value covered by word-like letter runs (camelCase and UPPER_CASE split into words):
 * `babel7CompatTokens` 0.94, `SomeKindOfPassword123` 0.76; random base62 of 20+ characters is below 0.5
 * 99.8% of the time.
 */
export function wordiness(value: string): number {
  let covered = 0;
  for (const m of value.matchAll(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])/g))
    if (isWordLike(m[0])) covered += m[0].length;
  return value.length === 0 ? 0 : covered / value.length;
}
