import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs build script without type declarations
import { GENERATED_PATH, WAT_PATH, renderAnchorsWasmModule } from '../../scripts/gen-wasm.mjs';
import { ANCHORS_WASM_BASE64 } from './anchors-wasm.generated.js';
import { decodeBase64 } from './base64.js';

describe('anchors-wasm.generated.ts', () => {
  it('is up to date with anchors.wat (else run `pnpm --filter @keyward/core run gen:wasm`)', async () => {
    const expected: string = await renderAnchorsWasmModule(readFileSync(WAT_PATH, 'utf8'));
    expect(readFileSync(GENERATED_PATH, 'utf8')).toBe(expected);
  });

  it('decodes to a WebAssembly module this runtime validates', () => {
    const bytes = decodeBase64(ANCHORS_WASM_BASE64);
    expect([...bytes.subarray(0, 4)]).toEqual([0x00, 0x61, 0x73, 0x6d]);
    expect(Buffer.from(bytes).toString('base64')).toBe(ANCHORS_WASM_BASE64);
    expect(WebAssembly.validate(bytes)).toBe(true);
  });
});
