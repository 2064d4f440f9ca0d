import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '@keyward/test-utils/git';
import {
  type ExpressionContext,
  type Value,
  evaluate,
  evaluateCondition,
  interpolate,
  parseAnnotations,
  parseExpression,
  parseOutputFile,
  runAction,
} from './runner.js';

const made: string[] = [];
afterEach(() => made.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const values: Record<string, Value> = {
  'inputs.sarif': 'true',
  'inputs.empty': '',
  'steps.scan.outputs.exit-code': '1',
  'steps.scan.outputs.unset': null,
};
const context = (success = true): ExpressionContext => ({
  lookup: (path) => {
    const key = path.join('.');
    if (!(key in values)) throw new Error(`no ${key}`);
    return values[key]!;
  },
  status: { success, failure: !success },
});
const value = (source: string, success = true) => evaluate(parseExpression(source), context(success));

describe('runner emulation: expressions', () => {
  it('compares as GitHub does: strings ignoring case, other types as numbers', () => {
    expect(value("inputs.sarif == 'TRUE'")).toBe(true);
    expect(value("inputs.sarif != 'true'")).toBe(false);
    expect(value('steps.scan.outputs.exit-code == 1')).toBe(true);
    expect(value("steps.scan.outputs.unset != ''")).toBe(false);
    expect(value("steps.scan.outputs.unset == ''")).toBe(true);
    expect(value('inputs.empty == 0')).toBe(true);
    expect(value("'it''s' == 'IT''S'")).toBe(true);
    expect(value('true == 1')).toBe(true);
    expect(value('null == false')).toBe(true);
  });

  it('&& and || yield an operand, ! negates truthiness, parentheses group', () => {
    expect(value("inputs.empty || 'fallback'")).toBe('fallback');
    expect(value('inputs.sarif && steps.scan.outputs.exit-code')).toBe('1');
    expect(value('!inputs.empty')).toBe(true);
    expect(value("!(inputs.sarif == 'true' && inputs.empty == '')")).toBe(false);
    expect(value('!inputs.sarif == false')).toBe(true);
    expect(value('failure() || always()', true)).toBe(true);
    expect(value('success()', false)).toBe(false);
    expect(value('cancelled()')).toBe(false);
  });

  it('an if: without a status function runs only after success', () => {
    expect(evaluateCondition("${{ inputs.sarif == 'true' }}", context(true))).toBe(true);
    expect(evaluateCondition("inputs.sarif == 'true'", context(false))).toBe(false);
    expect(evaluateCondition("${{ always() && inputs.sarif == 'true' }}", context(false))).toBe(true);
    expect(evaluateCondition(undefined, context(true))).toBe(true);
    expect(evaluateCondition(undefined, context(false))).toBe(false);
  });

  it('interpolates ${{ }} in text, a closing brace inside a string included', () => {
    expect(interpolate('a=${{ inputs.sarif }}, b=${{ steps.scan.outputs.unset }}.', context())).toBe(
      'a=true, b=.',
    );
    expect(interpolate("${{ inputs.empty || '}}' }}", context())).toBe('}}');
  });

  it('throws on what it does not understand, never guesses', () => {
    for (const source of [
      "contains(inputs.sarif, 'x')",
      'github.sha',
      "inputs['sarif']",
      'inputs.sarif < 2',
      "format('{0}', inputs.sarif)",
      "inputs.sarif == 'unterminated",
      'inputs.sarif ==',
      '(inputs.sarif',
    ]) {
      expect(() => value(source), source).toThrow();
    }
    expect(() => interpolate('${{ inputs.sarif', context())).toThrow(/unterminated/);
    expect(() => evaluateCondition('${{ inputs.sarif }} && ${{ inputs.empty }}', context())).toThrow();
  });
});

describe('runner emulation: GITHUB_OUTPUT and workflow commands', () => {
  it('reads name=value and name<<DELIMITER heredocs as the runner does', () => {
    expect(
      parseOutputFile(
        [
          'a=1',
          '',
          'b=x=y<<z',
          'multi<<ghadelimiter_1',
          'first',
          'b=not a new output',
          '',
          'ghadelimiter_1',
          'a=2',
          'empty<<END',
          'END',
          '',
        ].join('\n'),
      ),
    ).toEqual({ a: '2', b: 'x=y<<z', multi: 'first\nb=not a new output\n', empty: '' });
  });

  it('rejects what the runner rejects', () => {
    expect(() => parseOutputFile('no separator\n')).toThrow(/invalid format/);
    expect(() => parseOutputFile('=value\n')).toThrow(/name must not be empty/);
    expect(() => parseOutputFile('x<<\n')).toThrow(/delimiter must not be empty/);
    expect(() => parseOutputFile('x<<EOF\nvalue\n')).toThrow(/matching delimiter not found 'EOF'/);
  });

  it('turns ::error/::warning/::notice lines into annotations, unescaped', () => {
    expect(
      parseAnnotations(
        [
          'plain output',
          '::error file=src/a%2Cb.ts,line=3,col=5,title=rule%3Aid::50%25 sure%0Asecond line',
          '::notice::no properties',
          '::group::not an annotation',
        ].join('\n'),
      ),
    ).toEqual([
      {
        level: 'error',
        properties: { file: 'src/a,b.ts', line: '3', col: '5', title: 'rule:id' },
        message: '50% sure\nsecond line',
      },
      { level: 'notice', properties: {}, message: 'no properties' },
    ]);
  });
});

describe('runner emulation: a composite action', () => {
  /** An action folder with `yaml` as action.yml, and a workspace. */
  function setup(yaml: string) {
    const root = tempDir();
    made.push(root);
    const actionPath = join(root, 'action');
    const workspace = join(root, 'workspace');
    mkdirSync(actionPath);
    mkdirSync(workspace);
    writeFileSync(join(actionPath, 'action.yml'), yaml);
    writeFileSync(join(actionPath, 'helper.sh'), 'echo "helper ran in $PWD"\n');
    return { actionPath, workspace };
  }

  const ACTION = `
name: emulation test
inputs:
  greeting: { default: hello }
  flag: { default: 'false' }
outputs:
  said: { value: '\${{ steps.say.outputs.said }}' }
  multi: { value: '\${{ steps.say.outputs.multi }}' }
  after: { value: '\${{ steps.after.outputs.status }}' }
runs:
  using: composite
  steps:
    - id: say
      shell: bash
      env:
        GREETING: \${{ inputs.greeting }}, world
      run: |
        echo "said=$GREETING" >> "$GITHUB_OUTPUT"
        printf 'multi<<EOF_1\\nline one\\nline=two\\nEOF_1\\n' >> "$GITHUB_OUTPUT"
        echo "## from say" >> "$GITHUB_STEP_SUMMARY"
        echo "::warning file=a.txt,line=3::careful"
        for name in CI GITHUB_ACTIONS GITHUB_EVENT_NAME; do echo "$name=\${!name}"; done
        node -e 'console.log("event number " + require(process.env.GITHUB_EVENT_PATH).number)'
        [ "$PWD" = "$GITHUB_WORKSPACE" ] && echo "cwd is the workspace"
        bash "$GITHUB_ACTION_PATH/helper.sh"
    - id: flagged
      if: inputs.flag == 'TRUE'
      shell: bash
      run: echo flagged
    - id: pipe
      shell: bash
      run: |
        false | true
        echo "not reached: pipefail and -e stop the step"
    - id: skipped-after-failure
      shell: bash
      run: echo "not reached"
    - id: after
      if: \${{ always() && steps.pipe.outcome == 'failure' }}
      shell: bash
      env:
        SAID: \${{ steps.say.outputs.said }}
      run: |
        echo "status=ran after $SAID" >> "$GITHUB_OUTPUT"
        echo "## from after" >> "$GITHUB_STEP_SUMMARY"
    - if: always()
      uses: example/upload@v2
      with:
        file: \${{ steps.say.outputs.said }}.txt
        flag: \${{ inputs.flag }}
`;

  it('runs steps in order with if:, env:, outputs, summaries, annotations and uses: handlers', async () => {
    const { actionPath, workspace } = setup(ACTION);
    const uploads: Array<Record<string, string>> = [];
    const result = await runAction({
      actionPath,
      workspace,
      eventName: 'pull_request',
      event: { number: 42 },
      with: { flag: 'true' },
      env: { PATH: process.env.PATH ?? '' },
      uses: { 'example/upload': (inputs) => void uploads.push(inputs) },
    });
    expect(result.steps.map((s) => [s.id, s.outcome])).toEqual([
      ['say', 'success'],
      ['flagged', 'success'],
      ['pipe', 'failure'],
      ['skipped-after-failure', 'skipped'],
      ['after', 'success'],
      [undefined, 'success'],
    ]);
    expect(result.conclusion).toBe('failure');
    const say = result.steps[0]!;
    expect(say.env).toEqual({ GREETING: 'hello, world' });
    expect(say.stdout).toContain('CI=true\nGITHUB_ACTIONS=true\nGITHUB_EVENT_NAME=pull_request\n');
    expect(say.stdout).toContain('event number 42\ncwd is the workspace\n');
    expect(say.stdout).toContain(`helper ran in ${workspace}\n`);
    expect(result.steps[2]!.exitCode).toBe(1);
    expect(result.steps[2]!.stdout).not.toContain('not reached');
    expect(result.outputs).toEqual({
      said: 'hello, world',
      multi: 'line one\nline=two',
      after: 'ran after hello, world',
    });
    expect(result.summary).toBe('## from say\n## from after\n');
    expect(result.annotations).toEqual([
      { level: 'warning', properties: { file: 'a.txt', line: '3' }, message: 'careful' },
    ]);
    expect(uploads).toEqual([{ file: 'hello, world.txt', flag: 'true' }]);
    expect(result.steps[5]).toMatchObject({
      uses: 'example/upload@v2',
      with: { file: 'hello, world.txt', flag: 'true' },
    });
  });

  it('skips a step whose if: is false (the default input), and runs an always() step after it', async () => {
    const { actionPath, workspace } = setup(ACTION);
    const uploads: unknown[] = [];
    const result = await runAction({
      actionPath,
      workspace,
      eventName: 'push',
      event: { number: 1 },
      env: { PATH: process.env.PATH ?? '' },
      uses: { 'example/upload': (inputs) => void uploads.push(inputs) },
    });
    expect(result.steps[1]).toMatchObject({ id: 'flagged', outcome: 'skipped', stdout: '' });
    expect(uploads).toEqual([{ file: 'hello, world.txt', flag: 'false' }]);
  });

  it('refuses what it cannot run faithfully', async () => {
    const run = (yaml: string, extra: Partial<Parameters<typeof runAction>[0]> = {}) => {
      const { actionPath, workspace } = setup(yaml);
      return runAction({
        actionPath,
        workspace,
        eventName: 'push',
        event: {},
        env: { PATH: process.env.PATH ?? '' },
        ...extra,
      });
    };
    const composite = (steps: string, inputs = '') =>
      `${inputs}runs:\n  using: composite\n  steps:\n${steps.replace(/^/gm, '    ')}\n`;
    await expect(run(composite('- uses: example/upload@v2'))).rejects.toThrow(
      /cannot run uses: example\/upload@v2/,
    );
    await expect(
      run(composite("- if: contains(github.ref, 'main')\n  shell: bash\n  run: 'true'")),
    ).rejects.toThrow(/does not understand/);
    await expect(
      run(composite('- shell: bash\n  env: { X: "${{ steps.nope.outputs.x }}" }\n  run: "true"')),
    ).rejects.toThrow(/no step with id nope/);
    await expect(
      run(composite('- shell: bash\n  env: { X: "${{ inputs.nope }}" }\n  run: "true"')),
    ).rejects.toThrow(/declares no input nope/);
    await expect(run(composite('- shell: bash\n  run: "true"'), { with: { nope: 'x' } })).rejects.toThrow(
      /declares no input nope/,
    );
    await expect(run(composite('- shell: bash\n  continue-on-error: true\n  run: "true"'))).rejects.toThrow(
      /does not know continue-on-error/,
    );
    await expect(run(composite('- shell: sh\n  run: "true"'))).rejects.toThrow(/shell: bash only/);
    await expect(run(composite('- shell: bash\n  run: echo "x<<EOF" >> "$GITHUB_OUTPUT"'))).rejects.toThrow(
      /matching delimiter not found/,
    );
    await expect(run(composite('- shell: bash\n  run: echo "X=1" >> "$GITHUB_ENV"'))).rejects.toThrow(
      /wrote GITHUB_ENV/,
    );
    await expect(run('runs:\n  using: node20\n  main: index.js\n')).rejects.toThrow(/composite actions only/);
  });
});
