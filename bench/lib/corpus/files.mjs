/**
 * One generator per kind of file. Each appends lines to a writer until the file reaches its byte budget.
 * Everything here is ASCII, so a string's length is its size in bytes and a column is an offset + 1.
 * Values beside secret-like names are never secrets (env references, placeholders, header names): the
 * only secrets in the corpus are the keys the generator plants and records.
 */

export class Lines {
  constructor() {
    this.lines = [];
    this.bytes = 0;
  }
  /** Appends one line, or several when `line` holds newlines: one entry per physical line, so an entry's
   * index + 1 is its line number. */
  push(line) {
    if (line.includes('\n')) {
      for (const part of line.split('\n')) this.push(part);
      return;
    }
    this.lines.push(line);
    this.bytes += line.length + 1;
  }
}

const IMPORT_SOURCES = ['node:fs', 'node:path', 'node:crypto', 'zod', 'express', 'react', 'axios', 'lodash'];

// Statements that name a secret-like thing (cases 3, 4, 9, 10) come up about one time in ten.
const NEUTRAL_STATEMENTS = [0, 1, 2, 5, 6, 7, 8, 11, 12, 13];

function tsStatement(v, indent) {
  const i = indent;
  const n = v.int(0, 39);
  switch (n < 14 ? n : v.pick(NEUTRAL_STATEMENTS)) {
    case 0:
      return `${i}const ${v.camel()} = ${v.camel()}.${v.camel(1)}(${v.camel(1)}, '${v.sentence(3)}');`;
    case 1:
      return `${i}if (!${v.camel()}) throw new Error('${v.sentence()}');`;
    case 2:
      return `${i}// ${v.sentence()}`;
    case 3:
      return `${i}const ${v.pick(['apiKey', 'token', 'secret', 'password', 'authToken', 'secretKey'])} = ${v.notASecret()};`;
    case 4:
      return `${i}headers['Authorization'] = \`Bearer \${${v.camel(1)}}\`;`;
    case 5:
      return `${i}for (const ${v.camel(1)} of ${v.camel()}) ${v.camel()}.push(${v.camel(1)}.${v.camel(1)});`;
    case 6:
      return `${i}await this.${v.camel()}.set(${v.camel(1)}Id, ${v.camel(1)}, { ttl: ${v.int(1, 3600)} });`;
    case 7:
      return `${i}const ${v.camel(1)}Id = '${v.uuid()}';`;
    case 8:
      return `${i}logger.debug(\`${v.sentence(5)} \${${v.camel()}}\`);`;
    case 9:
      return `${i}if (${v.camel()}.${v.word()}Key === undefined) return ${v.camel(1)};`;
    case 10:
      return `${i}const { ${v.camel(1)}, ${v.camel(1)}Token, ${v.camel(1)} } = ${v.camel()};`;
    case 11:
      return `${i}${v.camel()} = ${v.camel()}?.${v.camel(1)} ?? ${v.int(0, 1000)};`;
    case 12:
      return `${i}const checksum = '${v.hex(64)}'; // sha256 of the ${v.word()} fixture`;
    default:
      return `${i}return ${v.camel()}.${v.camel(1)}(${v.camel(1)}, ${v.camel(1)});`;
  }
}

function genTs(v, w, bytes, typed = true) {
  const t = () => (typed ? `: ${v.pick(['string', 'number', 'boolean', 'Buffer', 'unknown[]'])}` : '');
  for (let n = v.int(2, 8); n > 0; n--) {
    w.push(`import { ${v.pascal()}, ${v.camel()} } from '${v.pick(IMPORT_SOURCES)}';`);
  }
  w.push('');
  while (w.bytes < bytes) {
    const kind = v.int(0, 9);
    if (kind < 6) {
      w.push('/**');
      w.push(` * ${v.sentence()}.`);
      w.push(` * @param ${v.camel(1)} ${v.sentence(6)}.`);
      w.push(' */');
      w.push(
        `export async function ${v.camel()}(${v.camel(1)}${t()}, ${v.camel(1)}${v.pick(['Key', 'Id', 'Name', 'Index'])}${t()})${t()} {`,
      );
      for (let s = v.int(3, 14); s > 0; s--) w.push(tsStatement(v, '  '));
      w.push('}');
    } else if (kind < 8) {
      const base = v.chance(0.3) ? v.pascal() : '';
      w.push(`export class ${v.pascal()} ${base ? `extends ${base} ` : ''}{`);
      w.push(
        `  ${typed ? 'private readonly ' : ''}${v.camel()}${typed ? ': Map<string, string>' : ''} = new Map();`,
      );
      w.push(`  constructor(${typed ? 'private ' : ''}${v.camel(1)}${t()}) {`);
      if (base) w.push('    super();');
      w.push('  }');
      for (let m = v.int(1, 4); m > 0; m--) {
        w.push(`  ${v.camel()}(${v.camel(1)}${t()})${t()} {`);
        for (let s = v.int(2, 9); s > 0; s--) w.push(tsStatement(v, '    '));
        w.push('  }');
      }
      w.push('}');
    } else if (typed) {
      w.push(`export interface ${v.pascal()}Options {`);
      for (let f = v.int(2, 9); f > 0; f--) {
        w.push(`  /** ${v.sentence(6)}. */`);
        w.push(`  ${v.camel()}?: ${v.pick(['string', 'number', 'boolean', 'string[]'])};`);
      }
      w.push('}');
    } else {
      w.push(`export const ${v.screaming()} = {`);
      for (let f = v.int(2, 9); f > 0; f--) w.push(`  ${v.camel()}: '${v.snake()}',`);
      w.push('};');
    }
    w.push('');
  }
}

function genTest(v, w, bytes) {
  w.push(`import { describe, it, expect } from 'vitest';`);
  w.push(`import { ${v.camel()} } from '../src/${v.word()}.js';`);
  w.push('');
  while (w.bytes < bytes) {
    w.push(`describe('${v.camel()}', () => {`);
    for (let c = v.int(1, 5); c > 0; c--) {
      w.push(`  it('${v.sentence(6).toLowerCase()}', async () => {`);
      w.push(
        v.chance(0.2)
          ? `    const ${v.camel(1)} = { id: '${v.uuid()}', token: 'test-token', apiKey: 'test-key' };`
          : `    const ${v.camel(1)} = { id: '${v.uuid()}', ${v.camel(1)}: '${v.snake(2)}' };`,
      );
      for (let s = v.int(1, 6); s > 0; s--) w.push(tsStatement(v, '    '));
      w.push(`    expect(${v.camel()}.${v.camel(1)}).toEqual('${v.snake()}');`);
      w.push('  });');
    }
    w.push('});');
    w.push('');
  }
}

function genPy(v, w, bytes) {
  w.push(`"""${v.sentence()}."""`);
  w.push('import os');
  w.push(`from ${v.snake(1)} import ${v.pascal()}`);
  w.push('');
  while (w.bytes < bytes) {
    w.push(`class ${v.pascal()}:`);
    w.push(`    """${v.sentence()}."""`);
    w.push('');
    for (let m = v.int(1, 5); m > 0; m--) {
      w.push(
        `    def ${v.snake()}(self, ${v.snake(1)}, ${v.snake(1)}_${v.pick(['key', 'id', 'name', 'index'])}=None):`,
      );
      w.push(`        """${v.sentence()}."""`);
      for (let s = v.int(2, 10); s > 0; s--) {
        switch (v.int(0, 14)) {
          case 0:
            w.push(`        api_key = os.environ.get("${v.screaming()}_API_KEY")`);
            break;
          case 1:
            w.push(`        token = self.${v.snake()}.get_token(${v.snake(1)})`);
            break;
          case 2:
            w.push(`        # ${v.sentence()}`);
            break;
          case 3:
            w.push(`        if not ${v.snake()}:`);
            w.push(`            raise ValueError("${v.sentence()}")`);
            break;
          case 4:
            w.push(
              `        self.${v.snake()} = ${v.snake()}.${v.snake(1)}(${v.snake(1)}, timeout=${v.int(1, 60)})`,
            );
            break;
          case 5:
            w.push(`        password = getpass.getpass("${v.sentence(3)}: ")`);
            break;
          case 6:
            w.push(`        request_id = "${v.uuid()}"`);
            break;
          case 7:
          case 8:
          case 9:
            w.push(
              `        ${v.snake()} = [${v.snake(1)}.${v.snake(1)} for ${v.snake(1)} in self.${v.snake()}]`,
            );
            break;
          case 10:
          case 11:
            w.push(`        logger.info("${v.sentence(5)} %s", ${v.snake()})`);
            break;
          default:
            w.push(`        return self.${v.snake()}(${v.snake(1)})`);
        }
      }
      w.push('');
    }
  }
}

function genGo(v, w, bytes) {
  w.push(`package ${v.word()}`);
  w.push('');
  w.push('import (\n\t"context"\n\t"fmt"\n\t"net/http"\n)');
  w.push('');
  while (w.bytes < bytes) {
    const name = v.pascal();
    w.push(`// ${name} ${v.sentence().toLowerCase()}.`);
    w.push(`type ${name} struct {`);
    for (let f = v.int(2, 7); f > 0; f--) {
      const field = v.pascal(2);
      w.push(`\t${field} string \`json:"${v.snake(2)}"\``);
    }
    if (v.chance(0.2)) w.push('\tAPIKey string `json:"api_key"`');
    w.push('}');
    w.push('');
    w.push(`func (c *${name}) ${v.pascal()}(ctx context.Context, ${v.camel(1)} string) error {`);
    for (let s = v.int(2, 10); s > 0; s--) {
      switch (v.int(0, 11)) {
        case 0:
          w.push(`\treq.Header.Set("Authorization", "Bearer "+c.${v.pascal(1)}Token)`);
          break;
        case 1:
          w.push(
            `\tif err := c.${v.pascal()}(ctx); err != nil {\n\t\treturn fmt.Errorf("${v.sentence(4)}: %w", err)\n\t}`,
          );
          break;
        case 2:
          w.push(`\t// ${v.sentence()}`);
          break;
        case 3:
          w.push(`\tsecretName := "${v.word()}/${v.word()}/password"`);
          break;
        default:
          w.push(`\t${v.camel()} := c.${v.pascal()}[${v.camel(1)}]`);
      }
    }
    w.push('\treturn nil');
    w.push('}');
    w.push('');
  }
}

function jsonValue(v, name) {
  if (/key|token|secret|password|auth|credential/i.test(name)) {
    return v.pick(['""', '"<your-api-key>"', '"${API_TOKEN}"', '"x-api-key"', 'null', '"REPLACE_ME"']);
  }
  switch (v.int(0, 5)) {
    case 0:
      return `"${v.uuid()}"`;
    case 1:
      return String(v.int(0, 100000));
    case 2:
      return v.chance(0.5) ? 'true' : 'false';
    case 3:
      return `"https://${v.word()}.example.com/${v.word()}/${v.word()}"`;
    default:
      return `"${v.sentence(3)}"`;
  }
}

function genJson(v, w, bytes) {
  w.push('{');
  w.push(`  "name": "@${v.word()}/${v.word()}-${v.word()}",`);
  w.push(`  "version": "${v.semver()}",`);
  while (w.bytes < bytes) {
    w.push(`  "${v.camel()}": {`);
    for (let f = v.int(2, 12); f > 0; f--) {
      const name = v.camel();
      w.push(`    "${name}": ${jsonValue(v, name)},`);
    }
    w.push(`    "${v.camel()}": ${v.int(0, 9)}`);
    w.push('  },');
  }
  w.push('  "private": true');
  w.push('}');
}

function genYaml(v, w, bytes) {
  w.push(`name: ${v.word()}-${v.word()}`);
  w.push('on: [push, pull_request]');
  w.push('jobs:');
  while (w.bytes < bytes) {
    w.push(`  ${v.snake(2).replace(/_/g, '-')}:`);
    w.push('    runs-on: ubuntu-latest');
    w.push('    env:');
    w.push(`      ${v.screaming()}_API_KEY: \${{ secrets.${v.screaming()}_API_KEY }}`);
    w.push(`      ${v.screaming()}_TOKEN: \${{ secrets.GITHUB_TOKEN }}`);
    w.push('    steps:');
    for (let s = v.int(2, 8); s > 0; s--) {
      w.push(`      - name: ${v.sentence(4)}`);
      w.push(
        v.chance(0.5)
          ? `        uses: actions/${v.word()}@${v.hex(40)}`
          : `        run: pnpm ${v.word()} --${v.word()} ${v.word()}`,
      );
    }
    w.push('    containers:');
    w.push(`      - image: ghcr.io/${v.word()}/${v.word()}@sha256:${v.hex(64)}`);
    w.push('        valueFrom:');
    w.push(`          secretKeyRef: { name: ${v.word()}-secrets, key: ${v.word()}-password }`);
  }
}

function genMd(v, w, bytes) {
  w.push(`# ${v.pascal()}`);
  w.push('');
  while (w.bytes < bytes) {
    w.push(`## ${v.sentence(4)}`);
    w.push('');
    for (let p = v.int(1, 3); p > 0; p--) {
      const sentences = [];
      for (let s = v.int(2, 6); s > 0; s--) sentences.push(`${v.sentence()}.`);
      w.push(sentences.join(' '));
      w.push('');
    }
    if (v.chance(0.5)) {
      w.push('```bash');
      w.push(`export ${v.pick(['OPENAI', 'ANTHROPIC', 'STRIPE', 'GITHUB'])}_API_KEY="<your-api-key>"`);
      w.push(`curl https://api.${v.word()}.com/v1/${v.word()} -H "Authorization: Bearer $API_TOKEN"`);
      w.push('```');
      w.push('');
    }
    if (v.chance(0.3)) {
      w.push('| option | type | description |');
      w.push('| --- | --- | --- |');
      for (let r = v.int(2, 6); r > 0; r--) w.push(`| \`${v.camel()}\` | string | ${v.sentence(6)} |`);
      w.push('');
    }
  }
}

function genEnv(v, w, bytes) {
  w.push(`# ${v.sentence()}`);
  while (w.bytes < bytes) {
    const name = v.screaming();
    w.push(
      v.pick([
        `${name}_API_KEY=`,
        `${name}_PASSWORD=changeme`,
        `${name}_SECRET=your-secret-here`,
        `${name}_TOKEN=<token>`,
        `${name}_URL=https://${v.word()}.example.com`,
        `${name}_TIMEOUT=${v.int(1, 120)}`,
      ]),
    );
  }
}

function genChangelog(v, w, bytes) {
  w.push('# Changelog');
  while (w.bytes < bytes) {
    w.push('');
    w.push(`## ${v.semver()} (20${v.int(18, 26)}-0${v.int(1, 9)}-1${v.int(0, 9)})`);
    w.push('');
    for (let e = v.int(2, 10); e > 0; e--) {
      const sha = v.hex(40);
      w.push(
        `- ${v.sentence(6).toLowerCase()} ([#${v.int(100, 9999)}](https://github.com/org/repo/pull/${v.int(100, 9999)})) ` +
          `([${sha.slice(0, 7)}](https://github.com/org/repo/commit/${sha}))`,
      );
    }
  }
}

function minName(v) {
  return (
    v.pick(['e', 't', 'n', 'r', 'o', 'i', 'a', 's', 'u', 'c', 'l', 'f', 'd', 'p', 'h']) +
    (v.chance(0.3) ? v.int(0, 9) : '')
  );
}

function genMin(v, w, bytes) {
  w.push('/*! For license information please see bundle.min.js.LICENSE.txt */');
  while (w.bytes < bytes) {
    const target = v.int(20_000, 400_000);
    const parts = [];
    let len = 0;
    while (len < target) {
      const a = minName(v);
      const b = minName(v);
      const c = minName(v);
      const part = v.pick([
        `function ${a}(${b},${c}){var ${c}=${b}.${v.camel()}||{},${a}=${c}.${v.word()}Id;return ${a}?${b}(${a},"${v.sentence(3)}"):void 0}`,
        `${a}.prototype.${v.camel()}=function(${b}){return this.${v.word()}Value=${b},this}`,
        `var ${a}={${v.camel()}:${v.int(0, 99)},${v.camel()}:"${v.snake()}",${v.word()}:!0}`,
        `${a}=${b}.${v.camel()}(${c},{${v.camel(1)}:${c}.${v.camel(1)}})`,
        `for(var ${a}=0;${a}<${b}.length;${a}++)${c}.push(${b}[${a}].${v.camel(1)})`,
        `${a}.exports=function(${b}){return ${b}&&${b}.__esModule?${b}:{default:${b}}}`,
        `${a}=${b}.${v.camel()}(${c},{${v.camel(1)}:${c}.${v.camel(1)}})`,
        `switch(${a}.type){case"${v.snake()}":return ${b}(${a}.${v.camel(1)});default:return ${c}}`,
        `const ${a}=await ${b}.${v.camel()}({${v.camel(1)}:${c},${v.camel(1)}:"${v.sentence(2)}"})`,
        v.chance(0.3) ? `${a}.headers.Authorization="Bearer "+${b}.accessToken` : `${a}.${v.camel(1)}=${b}`,
        v.chance(0.3) ? `if(!${a}.apiKey)throw new Error("${v.sentence(5)}")` : `${a}.${v.camel(1)}()`,
      ]);
      parts.push(part);
      len += part.length + 1;
    }
    w.push(parts.join(';'));
  }
}

function genLock(v, w, bytes) {
  const style = v.int(0, 2);
  if (style === 0) {
    w.push('{\n  "name": "app",\n  "lockfileVersion": 3,\n  "requires": true,\n  "packages": {');
    while (w.bytes < bytes) {
      const name = `${v.word()}-${v.word()}`;
      const ver = v.semver();
      w.push(`    "node_modules/${name}": {`);
      w.push(`      "version": "${ver}",`);
      w.push(`      "resolved": "https://registry.npmjs.org/${name}/-/${name}-${ver}.tgz",`);
      w.push(`      "integrity": "sha512-${v.b64(86)}==",`);
      w.push('      "license": "MIT"');
      w.push('    },');
    }
    w.push('  }\n}');
  } else if (style === 1) {
    w.push('# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.');
    while (w.bytes < bytes) {
      const name = `${v.word()}-${v.word()}`;
      const ver = v.semver();
      w.push('');
      w.push(`${name}@^${ver}:`);
      w.push(`  version "${ver}"`);
      w.push(`  resolved "https://registry.yarnpkg.com/${name}/-/${name}-${ver}.tgz#${v.hex(40)}"`);
      w.push(`  integrity sha512-${v.b64(86)}==`);
    }
  } else {
    while (w.bytes < bytes) {
      const mod = `github.com/${v.word()}/${v.word()}-${v.word()}`;
      const ver = `v${v.semver()}`;
      w.push(`${mod} ${ver} h1:${v.b64(43)}=`);
      w.push(`${mod} ${ver}/go.mod h1:${v.b64(43)}=`);
    }
  }
}

function genCss(v, w, bytes) {
  while (w.bytes < bytes) {
    w.push(`.${v.word()}-${v.word()} {`);
    w.push(`  color: #${v.hex(6)};`);
    w.push(`  padding: ${v.int(0, 32)}px ${v.int(0, 32)}px;`);
    if (v.chance(0.25)) {
      const mime = v.pick(['image/png', 'image/svg+xml', 'font/woff2']);
      w.push(`  background-image: url("data:${mime};base64,${v.b64(4 * v.int(200, 20_000))}");`);
    }
    w.push('}');
  }
}

function genData(v, w, bytes) {
  w.push('[');
  while (w.bytes < bytes) {
    w.push(
      `  {"id":"${v.uuid()}","name":"${v.sentence(3)}","sha":"${v.hex(40)}","createdAt":"2024-0${v.int(1, 9)}-1${v.int(0, 9)}T0${v.int(0, 9)}:00:00Z",` +
        `"${v.pick(['tokenCount', 'wordCount', 'size', 'views', 'likes'])}":${v.int(1, 9000)},"keywords":["${v.word()}","${v.word()}"],"thumbnail":"data:image/png;base64,${v.b64(4 * v.int(10, 60))}"},`,
    );
  }
  w.push(`  {"id":"${v.uuid()}"}`);
  w.push(']');
}

function genMap(v, w, bytes) {
  const sources = [];
  const inner = new Lines();
  genTs(v, inner, Math.max(1000, bytes / 3), true);
  sources.push(JSON.stringify(inner.lines.join('\n')));
  let mappings = '';
  const vlq = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  while (mappings.length + sources[0].length < bytes) {
    let seg = '';
    for (let k = v.int(4, 5); k > 0; k--) seg += vlq[v.int(0, 63)];
    mappings += seg + (v.chance(0.1) ? ';' : ',');
  }
  w.push(
    `{"version":3,"file":"${v.word()}.js","sources":["../src/${v.word()}.ts"],"names":["${v.camel()}","${v.camel()}"],` +
      `"mappings":"${mappings}","sourcesContent":[${sources[0]}]}`,
  );
}

/**
 * Kinds of file: share of files (weight), folder, name, size range in KB and generator. Source kinds are
 * mostly 1-20 KB (log-uniform) with a tail to 150 KB; bundles, lockfiles, maps and data are the few big ones.
 */
export const KINDS = [
  { name: 'ts', weight: 20, dir: 'src', ext: '.ts', size: 'source', gen: (v, w, b) => genTs(v, w, b, true) },
  { name: 'js', weight: 10, dir: 'lib', ext: '.js', size: 'source', gen: (v, w, b) => genTs(v, w, b, false) },
  { name: 'test', weight: 8, dir: 'test', ext: '.test.ts', size: 'source', gen: genTest },
  { name: 'py', weight: 9, dir: 'py', ext: '.py', size: 'source', gen: genPy },
  { name: 'go', weight: 7, dir: 'pkg', ext: '.go', size: 'source', gen: genGo },
  { name: 'json', weight: 7, dir: 'config', ext: '.json', size: 'source', gen: genJson },
  { name: 'yaml', weight: 5, dir: '.github/workflows', ext: '.yml', size: 'source', gen: genYaml },
  { name: 'md', weight: 9, dir: 'docs', ext: '.md', size: 'source', gen: genMd },
  { name: 'env', weight: 1.5, dir: 'env', prefix: '.env.', ext: '.example', size: [0.2, 2], gen: genEnv },
  { name: 'changelog', weight: 0.3, dir: 'docs', ext: '.CHANGELOG.md', size: [20, 300], gen: genChangelog },
  { name: 'min', weight: 0.25, dir: 'dist', ext: '.min.js', size: [200, 3000], gen: genMin },
  { name: 'lock', weight: 0.15, dir: 'locks', ext: '.lock', size: [100, 2000], gen: genLock },
  { name: 'css', weight: 0.5, dir: 'styles', ext: '.css', size: [20, 500], gen: genCss },
  { name: 'data', weight: 0.1, dir: 'data', ext: '.json', size: [500, 4000], gen: genData },
  { name: 'map', weight: 1, dir: 'dist', ext: '.js.map', size: [30, 800], gen: genMap },
];
