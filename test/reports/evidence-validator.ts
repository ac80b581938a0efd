/** Validates evidence.json documents against reports/evidence.schema.json with ajv (draft 2020-12). */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

// ajv-formats is CommonJS: under NodeNext its default import is the module, whose `default` is the plugin.
const addFormats = addFormatsModule.default;

export const schemaPath = new URL('../../reports/evidence.schema.json', import.meta.url);

/** A compiled validator; `errorsText` explains a rejection. */
export function evidenceValidator(): {
  readonly validate: ValidateFunction;
  readonly errorsText: () => string;
} {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
  return { validate, errorsText: () => ajv.errorsText(validate.errors) };
}
