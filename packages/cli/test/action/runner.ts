/**
 * A GitHub Actions runner for one composite action, as far as keyward's action.yml needs one, so a test can
 * run the Action's own steps the way a runner does instead of calling its scripts by hand:
 *
 * - inputs: the `with:` of the calling step over the action's `default:`s (an input the action does not
 *   declare is an error here; the real runner only warns);
 * - each step of `runs.steps` in order: its `if:` (implicitly `success() && …` when it names no status
 *   function), `${{ }}` in `env:`, `with:`, `run:`, `working-directory:` and `name:`, then the action's
 *   `outputs:`;
 * - `run:` steps (`shell: bash` only) as `bash --noprofile --norc -eo pipefail <script file>` in the
 *   workspace, with the step's `env:` over the runner's environment: `CI`, `GITHUB_ACTIONS`,
 *   `GITHUB_ACTION_PATH`, `GITHUB_WORKSPACE`, `GITHUB_EVENT_NAME`, `GITHUB_EVENT_PATH` (the payload, as a
 *   file), and a fresh `GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`, `GITHUB_ENV` and `GITHUB_PATH` file a step;
 *   `GITHUB_OUTPUT` is read back into the step's outputs (`name=value` and `name<<DELIMITER` heredocs, as
 *   the runner parses them), the summaries are joined into the job's, and `::error`/`::warning`/`::notice`
 *   workflow commands become annotations;
 * - `uses:` steps cannot run here: each one needs a handler (keyed by `owner/repo[/path]`, without `@ref`)
 *   that is told the evaluated `with:` and may check the workspace as the real action would see it.
 *
 * The expression evaluator knows exactly what action.yml uses: literals, `inputs.<name>`,
 * `steps.<id>.outputs.<name>`, `steps.<id>.outcome|conclusion`, `success()`, `failure()`, `always()`,
 * `cancelled()`, `!`, `==`, `!=`, `&&`, `||` and parentheses. Anything else (another context, a function
 * such as `contains()`, a step id or input the action does not declare, a step key it does not know) throws,
 * so an edit to action.yml cannot make the emulation silently skip or mis-evaluate a step.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

// ---------------------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------------------

export type Value = string | number | boolean | null;

type Expr =
  | { kind: 'literal'; value: Value }
  | { kind: 'context'; path: string[] }
  | { kind: 'call'; name: string }
  | { kind: 'not'; operand: Expr }
  | { kind: 'binary'; op: '==' | '!=' | '&&' | '||'; left: Expr; right: Expr };

/** What an expression can read: resolves a context path (e.g. ['inputs', 'mode']), or throws. */
export interface ExpressionContext {
  lookup(path: string[]): Value;
  status: { success: boolean; failure: boolean };
}

export class ExpressionError extends Error {}

const STATUS_FUNCTIONS = new Set(['success', 'failure', 'always', 'cancelled']);

type Token = { type: 'string' | 'number' | 'ident' | 'op'; text: string; value?: Value };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const rest = source.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    if (rest[0] === "'") {
      let value = '';
      let j = 1;
      for (;;) {
        if (j >= rest.length) throw new ExpressionError(`unterminated string in \`${source}\``);
        if (rest[j] === "'") {
          if (rest[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += rest[j++];
      }
      tokens.push({ type: 'string', text: rest.slice(0, j + 1), value });
      i += j + 1;
      continue;
    }
    const number = /^\d+(\.\d+)?(?![\w.])/.exec(rest);
    if (number) {
      tokens.push({ type: 'number', text: number[0], value: Number(number[0]) });
      i += number[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(rest);
    if (ident) {
      tokens.push({ type: 'ident', text: ident[0] });
      i += ident[0].length;
      continue;
    }
    const op = /^(==|!=|&&|\|\||!|\(|\)|\.)/.exec(rest);
    if (op) {
      tokens.push({ type: 'op', text: op[0] });
      i += op[0].length;
      continue;
    }
    throw new ExpressionError(`the runner emulation does not understand \`${rest[0]}\` in \`${source}\``);
  }
  return tokens;
}

/** Parses one expression (the text between `${{` and `}}`, or an `if:`). Throws on anything unknown. */
export function parseExpression(source: string): Expr {
  const tokens = tokenize(source);
  let at = 0;
  const peek = () => tokens[at];
  const fail = (what: string): never => {
    throw new ExpressionError(`the runner emulation does not understand ${what} in \`${source}\``);
  };
  const expectOp = (text: string) => {
    const token = tokens[at++];
    if (token?.type !== 'op' || token.text !== text) fail(`${token ? `\`${token.text}\`` : 'the end'}`);
  };
  const binary = (ops: Array<'==' | '!=' | '&&' | '||'>, next: () => Expr) => (): Expr => {
    let left = next();
    for (;;) {
      const token = peek();
      const op = ops.find((o) => token?.type === 'op' && token.text === o);
      if (!op) return left;
      at++;
      left = { kind: 'binary', op, left, right: next() };
    }
  };
  const primary = (): Expr => {
    const token = tokens[at++];
    if (!token) return fail('an expression that ends too soon');
    if (token.type === 'string' || token.type === 'number') return { kind: 'literal', value: token.value! };
    if (token.type === 'op' && token.text === '(') {
      const inner = or();
      expectOp(')');
      return inner;
    }
    if (token.type === 'op' && token.text === '!') return { kind: 'not', operand: primary() };
    if (token.type !== 'ident') return fail(`\`${token.text}\``);
    if (token.text === 'true' || token.text === 'false')
      return { kind: 'literal', value: token.text === 'true' };
    if (token.text === 'null') return { kind: 'literal', value: null };
    if (peek()?.text === '(') {
      if (!STATUS_FUNCTIONS.has(token.text)) fail(`the function \`${token.text}()\``);
      expectOp('(');
      expectOp(')');
      return { kind: 'call', name: token.text };
    }
    const path = [token.text];
    while (peek()?.type === 'op' && peek()!.text === '.') {
      at++;
      const part = tokens[at++];
      if (part?.type !== 'ident') fail(`\`${path.join('.')}.${part?.text ?? ''}\``);
      path.push(part!.text);
    }
    return { kind: 'context', path };
  };
  const eq = binary(['==', '!='], primary);
  const and = binary(['&&'], eq);
  const or: () => Expr = binary(['||'], and);
  const expr = or();
  if (at < tokens.length) fail(`\`${tokens[at]!.text}\``);
  return expr;
}

function usesStatusFunction(expr: Expr): boolean {
  switch (expr.kind) {
    case 'call':
      return true;
    case 'not':
      return usesStatusFunction(expr.operand);
    case 'binary':
      return usesStatusFunction(expr.left) || usesStatusFunction(expr.right);
    default:
      return false;
  }
}

function truthy(value: Value): boolean {
  return !(value === null || value === false || value === '' || value === 0 || Number.isNaN(value));
}

function toNumber(value: Value): number {
  if (value === null) return 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  const text = value.trim();
  return text === '' ? 0 : Number(text);
}

/** GitHub's `==`: strings compare ignoring case; values of different types compare as numbers. */
function equals(a: Value, b: Value): boolean {
  const type = (v: Value) => (v === null ? 'null' : typeof v);
  if (type(a) !== type(b)) return toNumber(a) === toNumber(b);
  if (typeof a === 'string' && typeof b === 'string') return a.toUpperCase() === b.toUpperCase();
  return a === b;
}

export function evaluate(expr: Expr, context: ExpressionContext): Value {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'context':
      return context.lookup(expr.path);
    case 'call':
      if (expr.name === 'always') return true;
      if (expr.name === 'cancelled') return false;
      return expr.name === 'success' ? context.status.success : context.status.failure;
    case 'not':
      return !truthy(evaluate(expr.operand, context));
    case 'binary': {
      const left = evaluate(expr.left, context);
      if (expr.op === '&&') return truthy(left) ? evaluate(expr.right, context) : left;
      if (expr.op === '||') return truthy(left) ? left : evaluate(expr.right, context);
      const same = equals(left, evaluate(expr.right, context));
      return expr.op === '==' ? same : !same;
    }
  }
}

export function asString(value: Value): string {
  return value === null ? '' : String(value);
}

/** Replaces each `${{ expression }}` in `template` with its value as a string. */
export function interpolate(template: string, context: ExpressionContext): string {
  let out = '';
  let i = 0;
  for (;;) {
    const start = template.indexOf('${{', i);
    if (start < 0) return out + template.slice(i);
    out += template.slice(i, start);
    // The closing `}}` outside string literals.
    let j = start + 3;
    let quoted = false;
    for (; j < template.length; j++) {
      if (template[j] === "'") quoted = !quoted;
      else if (!quoted && template.startsWith('}}', j)) break;
    }
    if (j >= template.length) throw new ExpressionError(`unterminated \${{ in \`${template}\``);
    out += asString(evaluate(parseExpression(template.slice(start + 3, j)), context));
    i = j + 2;
  }
}

/** An `if:` condition: `${{ … }}` or a bare expression, implicitly `success() && (…)`. */
export function evaluateCondition(condition: string | undefined, context: ExpressionContext): boolean {
  if (condition === undefined || condition.trim() === '') return context.status.success;
  let source = condition.trim();
  if (source.startsWith('${{')) {
    if (!source.endsWith('}}') || source.indexOf('${{', 3) >= 0) {
      throw new ExpressionError(
        `the runner emulation reads an if: as one \${{ }} or a bare expression: \`${condition}\``,
      );
    }
    source = source.slice(3, -2);
  }
  const expr = parseExpression(source);
  if (usesStatusFunction(expr)) return truthy(evaluate(expr, context));
  return context.status.success && truthy(evaluate(expr, context));
}

// ---------------------------------------------------------------------------------------------------------
// Runner files
// ---------------------------------------------------------------------------------------------------------

/** The runner's parsing of a `GITHUB_OUTPUT` (or `GITHUB_ENV`) file: `name=value` and `name<<DELIMITER`. */
export function parseOutputFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const equalsAt = line.indexOf('=');
    const heredocAt = line.indexOf('<<');
    if (equalsAt >= 0 && (heredocAt < 0 || equalsAt < heredocAt)) {
      const name = line.slice(0, equalsAt);
      if (name === '') throw new Error(`GITHUB_OUTPUT: invalid format '${line}': name must not be empty`);
      values[name] = line.slice(equalsAt + 1);
    } else if (heredocAt >= 0) {
      const name = line.slice(0, heredocAt);
      const delimiter = line.slice(heredocAt + 2);
      if (name === '' || delimiter === '') {
        throw new Error(`GITHUB_OUTPUT: invalid format '${line}': name and delimiter must not be empty`);
      }
      const body: string[] = [];
      for (;;) {
        i++;
        // The last element of split('\n') is what follows the final newline: never a delimiter line.
        if (i >= lines.length || (i === lines.length - 1 && lines[i] === '')) {
          throw new Error(`GITHUB_OUTPUT: matching delimiter not found '${delimiter}'`);
        }
        if (lines[i] === delimiter) break;
        body.push(lines[i]!);
      }
      values[name] = body.join('\n');
    } else {
      throw new Error(`GITHUB_OUTPUT: invalid format '${line}'`);
    }
  }
  return values;
}

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  properties: Record<string, string>;
  message: string;
}

const unescapeData = (text: string) =>
  text.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');
const unescapeProperty = (text: string) => unescapeData(text.replace(/%3A/gi, ':').replace(/%2C/gi, ','));

/** `::error file=a,line=1::message` lines of a step's output, as the runner turns them into annotations. */
export function parseAnnotations(output: string): Annotation[] {
  const annotations: Annotation[] = [];
  for (const line of output.split(/\r?\n/)) {
    const match = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line.trimStart());
    if (!match) continue;
    const properties: Record<string, string> = {};
    for (const pair of (match[2] ?? '').split(',').filter(Boolean)) {
      const at = pair.indexOf('=');
      if (at > 0) properties[pair.slice(0, at)] = unescapeProperty(pair.slice(at + 1));
    }
    annotations.push({
      level: match[1] as Annotation['level'],
      properties,
      message: unescapeData(match[3]!),
    });
  }
  return annotations;
}

// ---------------------------------------------------------------------------------------------------------
// Running an action
// ---------------------------------------------------------------------------------------------------------

export type Outcome = 'success' | 'failure' | 'skipped';

export interface StepResult {
  index: number;
  id: string | undefined;
  /** `if:` as written ('' when absent). */
  condition: string;
  outcome: Outcome;
  /** run steps: bash's exit code (null when killed) */
  exitCode?: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  /** The step's `env:`, evaluated. */
  env: Record<string, string>;
  /** uses steps: the action (also when skipped), and its evaluated `with:` when it ran */
  uses?: string;
  with?: Record<string, string>;
}

export interface ActionResult {
  /** failure when any step failed (the calling job step fails). */
  conclusion: 'success' | 'failure';
  steps: StepResult[];
  /** The action's `outputs:`, evaluated after its steps. */
  outputs: Record<string, string>;
  annotations: Annotation[];
  /** The job's step summary: each step's GITHUB_STEP_SUMMARY, in order. */
  summary: string;
  /** Every run step's stdout and stderr. */
  log: string;
}

export interface UsesHandler {
  (
    inputs: Record<string, string>,
    runner: { workspace: string },
  ): { outcome?: Outcome; outputs?: Record<string, string> } | void;
}

export interface RunActionOptions {
  /** GITHUB_ACTION_PATH: the folder holding action.yml and what its steps run. */
  actionPath: string;
  /** GITHUB_WORKSPACE: the checked-out repository, each step's working directory. */
  workspace: string;
  eventName: string;
  /** The event payload, written to GITHUB_EVENT_PATH. */
  event: unknown;
  /** The calling step's `with:`. */
  with?: Record<string, string>;
  /** The runner machine's environment (PATH, HOME, …); nothing else is inherited. */
  env?: Record<string, string>;
  /** Handlers for `uses:` steps, keyed by `owner/repo[/path]`. */
  uses?: Record<string, UsesHandler>;
  /** Per run step (default 60 s); a step still running then is killed and fails. */
  stepTimeoutMs?: number;
}

const STEP_KEYS = new Set(['id', 'name', 'if', 'shell', 'run', 'env', 'working-directory', 'uses', 'with']);

interface ActionFile {
  inputs?: Record<string, { default?: unknown }>;
  outputs?: Record<string, { value?: unknown }>;
  runs?: { using?: string; steps?: Array<Record<string, unknown>> };
}

function runBash(
  script: string,
  cwd: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      stderr += `\n[runner] the step ran past ${timeoutMs} ms and was killed\n`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

function stringMap(value: unknown, where: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${where} is not a mapping`);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

export async function runAction(options: RunActionOptions): Promise<ActionResult> {
  const action = parse(readFileSync(join(options.actionPath, 'action.yml'), 'utf8')) as ActionFile;
  if (action.runs?.using !== 'composite') {
    throw new Error(`the runner emulation runs composite actions only, not ${action.runs?.using}`);
  }
  const declaredInputs = action.inputs ?? {};
  const stepsDeclared = action.runs.steps ?? [];
  const ids = stepsDeclared.map((step) => (step.id === undefined ? undefined : String(step.id)));
  for (const [index, step] of stepsDeclared.entries()) {
    const unknown = Object.keys(step).filter((key) => !STEP_KEYS.has(key));
    if (unknown.length > 0)
      throw new Error(`step ${index}: the runner emulation does not know ${unknown.join(', ')}`);
    if ((step.run === undefined) === (step.uses === undefined)) {
      throw new Error(`step ${index}: a step has either run: or uses:`);
    }
  }
  if (new Set(ids.filter(Boolean)).size !== ids.filter(Boolean).length) throw new Error('duplicate step ids');

  const results: StepResult[] = [];
  let inputs: Record<string, string> = {};
  const lookup = (path: string[]): Value => {
    const [head, ...rest] = path;
    if (head === 'inputs' && rest.length === 1) {
      if (!(rest[0]! in declaredInputs)) throw new ExpressionError(`action.yml declares no input ${rest[0]}`);
      return inputs[rest[0]!] ?? null;
    }
    if (head === 'steps' && rest.length >= 2) {
      const [id, field, name] = rest;
      if (!ids.includes(id)) throw new ExpressionError(`action.yml has no step with id ${id}`);
      const step = results.find((s) => s.id === id);
      if (field === 'outputs' && rest.length === 3) return step ? (step.outputs[name!] ?? null) : null;
      if ((field === 'outcome' || field === 'conclusion') && rest.length === 2) return step?.outcome ?? null;
    }
    throw new ExpressionError(`the runner emulation does not understand \`${path.join('.')}\``);
  };
  const context: ExpressionContext = {
    lookup,
    status: {
      get success() {
        return results.every((s) => s.outcome !== 'failure');
      },
      get failure() {
        return results.some((s) => s.outcome === 'failure');
      },
    },
  };

  // Inputs: `with:` over the defaults (defaults may hold expressions; ours are literals).
  const given = options.with ?? {};
  for (const name of Object.keys(given)) {
    if (!(name in declaredInputs)) throw new Error(`action.yml declares no input ${name} (given in with:)`);
  }
  inputs = Object.fromEntries(
    Object.entries(declaredInputs).map(([name, spec]) => [
      name,
      name in given ? given[name]! : interpolate(asString((spec?.default ?? '') as Value), context),
    ]),
  );

  const temp = mkdtempSync(join(tmpdir(), 'keyward-runner-'));
  try {
    const eventPath = join(temp, 'event.json');
    writeFileSync(eventPath, JSON.stringify(options.event));
    let summary = '';
    let log = '';
    for (const [index, step] of stepsDeclared.entries()) {
      const result: StepResult = {
        index,
        id: ids[index],
        condition: step.if === undefined ? '' : String(step.if),
        outcome: 'skipped',
        stdout: '',
        stderr: '',
        outputs: {},
        env: {},
        ...(step.uses === undefined ? {} : { uses: String(step.uses) }),
      };
      if (step.name !== undefined) interpolate(String(step.name), context);
      if (!evaluateCondition(step.if === undefined ? undefined : String(step.if), context)) {
        results.push(result);
        continue;
      }
      result.env = Object.fromEntries(
        Object.entries(stringMap(step.env, `step ${index} env`)).map(([k, v]) => [
          k,
          interpolate(v, context),
        ]),
      );
      if (step.uses !== undefined) {
        const uses = String(step.uses);
        const name = uses.replace(/@.*$/, '');
        const handler = options.uses?.[name];
        if (!handler)
          throw new Error(`the runner emulation cannot run uses: ${uses} (no handler for ${name})`);
        result.with = Object.fromEntries(
          Object.entries(stringMap(step.with, `step ${index} with`)).map(([k, v]) => [
            k,
            interpolate(v, context),
          ]),
        );
        const handled = handler(result.with, { workspace: options.workspace }) ?? {};
        result.outcome = handled.outcome ?? 'success';
        result.outputs = handled.outputs ?? {};
        results.push(result);
        continue;
      }
      const shell = step.shell === undefined ? undefined : interpolate(String(step.shell), context);
      if (shell !== 'bash')
        throw new Error(`step ${index}: the runner emulation runs shell: bash only, not ${shell}`);
      const dir = join(temp, `step-${index}`);
      mkdirSync(dir);
      const files = {
        GITHUB_OUTPUT: join(dir, 'output'),
        GITHUB_STEP_SUMMARY: join(dir, 'summary'),
        GITHUB_ENV: join(dir, 'env'),
        GITHUB_PATH: join(dir, 'path'),
      };
      for (const file of Object.values(files)) writeFileSync(file, '');
      const script = join(dir, 'script.sh');
      writeFileSync(script, interpolate(String(step.run), context));
      const cwd =
        step['working-directory'] === undefined
          ? options.workspace
          : resolve(options.workspace, interpolate(String(step['working-directory']), context));
      const env = {
        ...options.env,
        ...result.env,
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_ACTION_PATH: options.actionPath,
        GITHUB_WORKSPACE: options.workspace,
        GITHUB_EVENT_NAME: options.eventName,
        GITHUB_EVENT_PATH: eventPath,
        RUNNER_TEMP: temp,
        RUNNER_OS: 'Linux',
        ...files,
      };
      const run = await runBash(script, cwd, env, options.stepTimeoutMs ?? 60_000);
      result.exitCode = run.code;
      result.stdout = run.stdout;
      result.stderr = run.stderr;
      result.outcome = run.code === 0 ? 'success' : 'failure';
      result.outputs = parseOutputFile(readFileSync(files.GITHUB_OUTPUT, 'utf8'));
      for (const name of ['GITHUB_ENV', 'GITHUB_PATH'] as const) {
        if (readFileSync(files[name], 'utf8') !== '') {
          throw new Error(`step ${index} wrote ${name}, which the runner emulation does not apply`);
        }
      }
      summary += readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8');
      log += run.stdout + run.stderr;
      results.push(result);
    }
    const outputs = Object.fromEntries(
      Object.entries(action.outputs ?? {}).map(([name, spec]) => [
        name,
        interpolate(asString((spec?.value ?? '') as Value), context),
      ]),
    );
    return {
      conclusion: results.some((s) => s.outcome === 'failure') ? 'failure' : 'success',
      steps: results,
      outputs,
      annotations: results.flatMap((s) => parseAnnotations(`${s.stdout}\n${s.stderr}`)),
      summary,
      log,
    };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}
