import ignore, { type Ignore } from 'ignore';

/** What one ignore file says about a path: ignored, re-included (`!pattern`), or nothing. */
export type IgnoreVerdict = 'ignored' | 'unignored' | undefined;

/** The rules of one ignore file (or the config's `ignorePaths`), relative to its folder. */
export interface IgnoreFile {
  /** `rel`: POSIX path relative to the file's folder, without a trailing slash. */
  test(rel: string, isDir: boolean): IgnoreVerdict;
  /**
   * test() of `name` inside `folder` ('' for the file's own folder), for a walk that has found `folder` and
   * every folder above it not ignored by these rules (no verdict): only the entry's own name and path are
   * left to judge, not each folder on its way down again.
   */
  testChild(folder: string, name: string, isDir: boolean): IgnoreVerdict;
}

/** The path of `name` in `folder` ('' for the ignore file's own folder), as test() takes it. */
export function childPath(folder: string, name: string): string {
  return folder === '' ? name : `${folder}/${name}`;
}

/** A pattern body with no wildcard, escape, space, `!` or `#`, and no `.`/`..` segment: compared as text. */
const PLAIN = /^(?!\.\.?(?:\/|$))[\x21-\x7e]+$/;
const SPECIAL = /[*?[\]\\!#]|\/\.\.?(?:\/|$)/;

/**
 * Compiles gitignore patterns with the `ignore` package's meaning (case-insensitive, a path is ignored when
 * a folder above it is). A file without `!` patterns, as most are, is split: names (`build/`, `*.o`) and
 * anchored paths (`/git-add`) become set and suffix look-ups, and only the rest go to `ignore`. git.git has
 * 389 patterns, 339 of them plain: testing each path against every pattern's regex cost ~100 ms of a
 * 4,824-file scan. With `!` patterns order matters, and `ignore` judges them all.
 */
export function compileIgnoreFile(patterns: string | readonly string[]): IgnoreFile {
  const text = typeof patterns === 'string';
  // Like git (and `ignore`), a byte-order mark is dropped before the first line only.
  const lines = (text ? patterns.split(/\r?\n/) : [...patterns]).map((line, i) =>
    i === 0 && line.startsWith('\uFEFF') ? line.slice(1) : line,
  );
  if (lines.some((line) => line.startsWith('!'))) return libraryRules(patterns);
  const plain: PlainRule[] = [];
  const rest: string[] = [];
  for (const line of lines) {
    if (line === '' || line.startsWith('#')) continue;
    // `*.[aos]` counts as plain when each pattern its bracket expands into is.
    const rules = (expandBrackets(line) ?? [line]).map(plainRule);
    if (rules.every((rule) => rule !== undefined)) plain.push(...rules);
    else rest.push(line);
  }
  if (rest.length === 0) return new SplitRules(plain, undefined);
  return new SplitRules(plain, new ComplexRules(rest, text));
}

function libraryRules(patterns: string | readonly string[]): IgnoreFile {
  const rules = ignore().add(typeof patterns === 'string' ? patterns : [...patterns]);
  const test = (rel: string, isDir: boolean): IgnoreVerdict => {
    const result = rules.test(isDir ? `${rel}/` : rel);
    return result.ignored ? 'ignored' : result.unignored ? 'unignored' : undefined;
  };
  // A `!` pattern can re-include below a folder another pattern ignores: the whole path is judged.
  return {
    test,
    testChild: (folder, name, isDir) => test(childPath(folder, name), isDir),
  };
}

/**
 * Text every path a pattern matches must hold (lower-cased): its longest run without wildcards. A path that
 * holds none of the complex patterns' runs is not asked about (in git.git that is every path but a few).
 * '' when there is none to rely on (an escape, or wildcards only).
 */
function requiredLiteral(line: string): string {
  if (line.includes('\\')) return '';
  const runs = line.trimEnd().replace(/\[[^\]]+\]/g, '*');
  if (/[[\]]/.test(runs)) return '';
  let longest = '';
  for (const run of runs.split(/[*?]/)) {
    // A slash beside `**` may match nothing (`**/foo` matches `foo`): the run is what lies between slashes.
    const text = run.replace(/^\/+|\/+$/g, '');
    if (text.length > longest.length) longest = text;
  }
  return longest.toLowerCase();
}

/**
 * `*.[aos]` as `*.a`, `*.o`, `*.s`: a bracket of plain characters and ranges (no `!`, `^` or classes) is a
 * choice of one, so each choice can be a plain pattern. Undefined when there is nothing to expand, or too much.
 */
function expandBrackets(line: string): string[] | undefined {
  const match = /\[([^\]!^\\[:]+)\]/.exec(line);
  if (!match) return undefined;
  const choices: string[] = [];
  const set = match[1]!;
  for (let i = 0; i < set.length; i++) {
    if (set[i + 1] === '-' && i + 2 < set.length) {
      for (let c = set.charCodeAt(i); c <= set.charCodeAt(i + 2); c++) choices.push(String.fromCharCode(c));
      i += 2;
    } else choices.push(set[i]!);
  }
  if (choices.length === 0 || choices.length > 16) return undefined;
  const head = line.slice(0, match.index);
  const tail = line.slice(match.index + match[0].length);
  const lines = choices.map((choice) => head + choice + tail);
  return lines.some((expanded) => expanded.includes('[')) ? undefined : lines;
}

/** A pattern compared as text: a base-name suffix (`*.o`), a base name (`build`) or an anchored path (`/git-add`). */
interface PlainRule {
  kind: 'suffix' | 'name' | 'path';
  /** Lower-cased, without the `*`, the leading `/` or the trailing `/`. */
  text: string;
  /** A trailing `/`: folders only. */
  dirOnly: boolean;
}

/** The pattern as a PlainRule, or undefined for one `ignore` must judge. */
function plainRule(line: string): PlainRule | undefined {
  let body = line;
  const dirOnly = body.endsWith('/');
  if (dirOnly) body = body.slice(0, -1);
  if (body.startsWith('*') && !body.includes('/') && PLAIN.test(body.slice(1))) {
    const suffix = body.slice(1).toLowerCase();
    return SPECIAL.test(suffix) ? undefined : { kind: 'suffix', text: suffix, dirOnly };
  }
  const anchored = body.includes('/');
  if (body.startsWith('/')) body = body.slice(1);
  if (!PLAIN.test(body) || SPECIAL.test(body) || body.endsWith('/') || body.includes('//')) return undefined;
  return { kind: anchored ? 'path' : 'name', text: body.toLowerCase(), dirOnly };
}

/**
 * The patterns of a file without `!` that are not plain, judged by the `ignore` package, which is asked only
 * about paths that hold one of their runs of text (requiredLiteral): in git.git that is every path but a few,
 * so most files never build their `ignore` instance.
 */
class ComplexRules {
  /** A path holds one of the runs; undefined when some pattern has none (then every path is asked about). */
  readonly literal: RegExp | undefined;
  /** Some run holds a `/`: a folder's path and an entry's name cannot be searched apart. */
  readonly spansFolders: boolean;
  private rules: Ignore | undefined;

  constructor(
    private readonly lines: readonly string[],
    private readonly text: boolean,
  ) {
    const literals = lines.map(requiredLiteral);
    const all = literals.every((literal) => literal !== '');
    this.literal = all ? new RegExp(literals.map(escapeRegExp).join('|')) : undefined;
    this.spansFolders = literals.some((literal) => literal.includes('/'));
  }

  test(rel: string, isDir: boolean): boolean {
    // Given as they came (text or list: `ignore` trims line ends differently), behind an empty first line
    // so that a mark on a later line is not taken for the first line's.
    this.rules ??= ignore().add(this.text ? `\n${this.lines.join('\n')}` : ['', ...this.lines]);
    return this.rules.test(isDir ? `${rel}/` : rel).ignored;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Positive patterns only: a path is ignored when any pattern matches it or a folder above it. */
class SplitRules implements IgnoreFile {
  /** Base names matched at any depth (`build`), and those matching folders only (`build/`). */
  private readonly names = new Set<string>();
  private readonly dirNames = new Set<string>();
  /** Paths from the file's folder (`/git-add`, `doc/out/`), lower-cased. */
  private readonly paths = new Set<string>();
  private readonly dirPaths = new Set<string>();
  /** `*.o`: base-name suffixes, keyed by their last character so that a name checks only a few. */
  private readonly suffixes = new Map<number, { suffix: string; dirOnly: boolean }[]>();
  /** The folders (lower-cased, '' for the file's own) that anchored paths end in: only their entries can match one. */
  private readonly pathFolders = new Set<string>();
  /**
   * testChild()'s last folder, lower-cased, and what holds for all its entries: a walk asks about every entry of
   * one folder in a row.
   */
  private folder: string | undefined;
  private folderLower = '';
  private folderHasPaths = false;
  private folderHoldsLiteral = false;

  constructor(
    plain: readonly PlainRule[],
    private readonly complex: ComplexRules | undefined,
  ) {
    for (const { kind, text, dirOnly } of plain) {
      if (kind === 'suffix') {
        const key = text.charCodeAt(text.length - 1);
        const list = this.suffixes.get(key) ?? [];
        list.push({ suffix: text, dirOnly });
        this.suffixes.set(key, list);
      } else if (kind === 'path') {
        (dirOnly ? this.dirPaths : this.paths).add(text);
        this.pathFolders.add(text.slice(0, Math.max(0, text.lastIndexOf('/'))));
      } else (dirOnly ? this.dirNames : this.names).add(text);
    }
  }

  test(rel: string, isDir: boolean): IgnoreVerdict {
    const lower = rel.toLowerCase();
    let start = 0;
    for (;;) {
      const slash = lower.indexOf('/', start);
      const end = slash === -1 ? lower.length : slash;
      const folder = slash !== -1 || isDir;
      if (this.nameIgnored(lower.slice(start, end), folder)) return 'ignored';
      const path = lower.slice(0, end);
      if (this.paths.has(path) || (folder && this.dirPaths.has(path))) return 'ignored';
      if (slash === -1) break;
      start = slash + 1;
    }
    return this.testComplex(rel, lower, isDir);
  }

  testChild(folder: string, name: string, isDir: boolean): IgnoreVerdict {
    if (folder !== this.folder) this.enter(folder);
    const lower = name.toLowerCase();
    if (this.nameIgnored(lower, isDir)) return 'ignored';
    if (this.folderHasPaths) {
      const path = folder === '' ? lower : `${this.folderLower}/${lower}`;
      if (this.paths.has(path) || (isDir && this.dirPaths.has(path))) return 'ignored';
    }
    const complex = this.complex;
    if (complex === undefined) return undefined;
    if (complex.literal !== undefined && !this.folderHoldsLiteral) {
      // A run without `/` lies in the folder's path or in the name: the folder's was searched on entering it.
      const text = complex.spansFolders && folder !== '' ? `${this.folderLower}/${lower}` : lower;
      if (!complex.literal.test(text)) return undefined;
    }
    return complex.test(childPath(folder, name), isDir) ? 'ignored' : undefined;
  }

  /** Whether a name or suffix pattern matches `name` (lower-cased), at any depth; `isDir`: a folder's name. */
  private nameIgnored(name: string, isDir: boolean): boolean {
    if (this.names.has(name) || (isDir && this.dirNames.has(name))) return true;
    const candidates = this.suffixes.get(name.charCodeAt(name.length - 1));
    if (candidates) {
      for (const { suffix, dirOnly } of candidates)
        if ((isDir || !dirOnly) && name.endsWith(suffix)) return true;
    }
    return false;
  }

  private enter(folder: string): void {
    this.folder = folder;
    this.folderLower = folder.toLowerCase();
    this.folderHasPaths = this.pathFolders.has(this.folderLower);
    const complex = this.complex;
    this.folderHoldsLiteral =
      complex?.literal !== undefined && !complex.spansFolders && complex.literal.test(this.folderLower);
  }

  /** The patterns `ignore` judges, asked only when the path holds one of their runs of text. */
  private testComplex(rel: string, lower: string, isDir: boolean): IgnoreVerdict {
    const complex = this.complex;
    if (complex === undefined || (complex.literal !== undefined && !complex.literal.test(lower)))
      return undefined;
    return complex.test(rel, isDir) ? 'ignored' : undefined;
  }
}
