/** `json`: any text `JSON.parse` accepts. */
import type { SpecOf } from '../manifest-schema.js';
import { envText, rule, type TypeDef } from './type-def.js';

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Fakes are the manifest's `example` when it is valid JSON (it shows the shape the app expects), else `{}`. */
export const jsonType: TypeDef<SpecOf<'json'>> = {
  checkOptions: () => [],
  valueChecks: () => [rule(isJson, 'must be valid json')],
  fake(spec) {
    const example = envText(spec, spec.example);
    return example !== undefined && isJson(example) ? example : '{}';
  },
};
