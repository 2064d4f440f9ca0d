import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';

export const SCHEMA_FILE = new URL('./schemas/sarif-2.1.0.json', import.meta.url);
export const SCHEMA_SHA256 = '1c49a0f2b60444c71bb14878e21e0d882198eff4c539861b133093ad89ed798c';

/** The SARIF 2.1.0 schema with its string formats checked too (ajv ships none by default). */
function sarifValidator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  ajv.addFormat('uri-reference', (s: string) => URL.canParse(s, 'file:///base/') && !/[\s\\]/.test(s));
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  ajv.addFormat('date-time', (s: string) =>
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s),
  );
  return ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));
}
const validate = sarifValidator();

export function expectValidSarif(text: string) {
  const log = JSON.parse(text);
  const valid = validate(log);
  expect(validate.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
  return log;
}
