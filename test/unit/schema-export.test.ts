/**
 * `devsecrets schema`'s formats from the core: the JSON Schema judged by a real validator
 * (ajv 8, draft 2020-12, with ajv-formats) against devsecrets fakes, production values and
 * values devsecrets refuses; the regexes it is built from against devsecrets' own checks;
 * the `.env.example` read back into the same manifest.
 */
import { randomBytes } from 'node:crypto';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDotenvAnnotated } from '../../src/core/dotenv.js';
import { inferManifest } from '../../src/core/infer-manifest.js';
import { parseManifest } from '../../src/core/manifest.js';
import type { VarSpec } from '../../src/core/manifest-schema.js';
import { integerRangePattern } from '../../src/core/schema/int-range-pattern.js';
import { markedFormat, renderSchema, SCHEMA_FORMATS } from '../../src/core/schema/index.js';
import { localSpec } from '../../src/core/token-prefix.js';
import { compileValidator, generateFake } from '../../src/core/types/index.js';
import { EVERY_OPTION_MANIFEST, EVERY_OPTION_VARS, INVALID_VALUES, productionValues, type EveryOptionName } from '../helpers/every-option-manifest.js';

// A CommonJS module: its default import is module.exports, whose `default` is the plugin.
const addFormats = addFormatsModule.default;
const VARS = EVERY_OPTION_VARS;
const NAMES = Object.keys(VARS) as EveryOptionName[];

interface PropertySchema {
  description: string;
  default?: string;
  examples?: string[];
}

function jsonSchema(): { document: { properties: Record<string, PropertySchema>; required: string[] }; text: string } {
  const text = renderSchema(VARS, 'json-schema');
  return { document: JSON.parse(text) as never, text };
}

/** ajv in strict mode: an unknown keyword or format in the schema is an error, not a pass. */
function validatorFor(schema: object): (value: unknown) => boolean {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return (value) => validate(value) === true;
}

/** One variable's property alone, with the value as the whole environment would hold it. */
function propertyValidator(name: EveryOptionName): (value: string) => boolean {
  const { document } = jsonSchema();
  const validate = validatorFor({ ...document, required: [] });
  return (value) => validate({ [name]: value });
}

describe('the JSON Schema of the environment', () => {
  it('compiles under ajv strict mode and takes a production environment', () => {
    const { document } = jsonSchema();
    expect(validatorFor(document)(productionValues())).toBe(true);
  });

  it('takes every fake devsecrets makes, over many stores', () => {
    const { document } = jsonSchema();
    const validate = validatorFor(document);
    const keys = Object.fromEntries(NAMES.filter((name) => VARS[name].type === 'private-key').map((name) => [name, generateFake(name, VARS[name], randomBytes(32))]));
    for (let store = 0; store < 40; store += 1) {
      const seed = randomBytes(32);
      // A loader-control variable never gets a fake: `run` passes its default; a "fake": false one gets no value.
      const fake = (name: string): string | undefined => {
        const spec = VARS[name as EveryOptionName];
        if (spec.fake === false) return undefined;
        return keys[name] ?? (spec.loaderControl === true ? String(spec.default) : generateFake(name, spec, seed, fake));
      };
      const values = Object.fromEntries(NAMES.flatMap((name) => {
        const value = fake(name);
        return value === undefined ? [] : [[name, value]];
      }));
      expect(validate(values), JSON.stringify(values)).toBe(true);
    }
  });

  it('refuses what devsecrets refuses, variable by variable', () => {
    for (const [name, value] of Object.entries(INVALID_VALUES) as [EveryOptionName, string][]) {
      const spec = VARS[name];
      expect(compileValidator(spec)(value), `${name} on the production side`).toBeDefined();
      expect(compileValidator(localSpec(spec))(value), `${name} on the local side`).toBeDefined();
      expect(propertyValidator(name)(value), name).toBe(false);
    }
  });

  it('requires what has neither a default nor "required": false, and lets other variables be any text', () => {
    const { document } = jsonSchema();
    expect(document.required).toEqual(NAMES.filter((name) => !('default' in VARS[name]) && VARS[name].required !== false));
    const validate = validatorFor(document);
    const { WORKERS: _workers, ...withoutDefaulted } = productionValues();
    expect(validate({ ...withoutDefaulted, PATH: '/usr/bin', SHLVL: '1' })).toBe(true);
    const { TENANT_ID: _tenant, ...withoutRequired } = productionValues();
    expect(validate(withoutRequired)).toBe(false);
    expect(validate({ ...productionValues(), PATH: 1 })).toBe(false);
  });

  it('describes each variable and says what it cannot check; defaults and examples pass', () => {
    const { document, text } = jsonSchema();
    expect(document.properties.DATABASE_URL?.description).toBe('The primary database.\n\nurl · protocols postgresql, postgres · params sslmode=require · secret');
    expect(document.properties.COUNTRY_CODE?.description).toContain('Not checked by this schema: the pattern, whose RE2 syntax has no ECMAScript spelling.');
    expect(document.properties.SAMPLE_RATE?.description).toContain('Not checked by this schema: the range.');
    for (const name of NAMES) {
      const property = document.properties[name]!;
      for (const value of [property.default, ...(property.examples ?? [])].filter((item) => item !== undefined)) {
        expect(propertyValidator(name)(value), `${name}: ${value}`).toBe(true);
      }
    }
    // No export holds a secret's value: its example is dropped.
    expect(text).not.toContain(EVERY_OPTION_MANIFEST.vars.WEBHOOK_SECRET.example);
    expect(markedFormat(text)).toBe('json-schema');
  });
});

describe('the regexes the schema is made of', () => {
  const canonicalInt = /^(?:0|-?[1-9][0-9]*)$/;

  it('an integer range matches exactly the canonical integers in it', () => {
    const bound = fc.option(fc.maxSafeInteger(), { nil: undefined });
    const text = fc.oneof(fc.maxSafeInteger().map(String), fc.integer({ min: -200, max: 200 }).map(String), fc.stringMatching(/^[-+0-9]{0,4}$/));
    fc.assert(fc.property(bound, bound, text, (a, b, value) => {
      const [min, max] = a !== undefined && b !== undefined && a > b ? [b, a] : [a, b];
      const expected = canonicalInt.test(value) && (min === undefined || Number(value) >= min) && (max === undefined || Number(value) <= max);
      expect(new RegExp(integerRangePattern(min, max), 'u').test(value)).toBe(expected);
    }), { numRuns: 3000 });
  });

  it('bytes patterns accept exactly the canonical spellings devsecrets accepts', () => {
    const encoding = fc.constantFrom('hex', 'base64', 'base64url') as fc.Arbitrary<'hex' | 'base64' | 'base64url'>;
    const length = fc.option(fc.integer({ min: 1, max: 7 }), { nil: undefined });
    const text = fc.oneof(
      fc.uint8Array({ minLength: 0, maxLength: 8 }).chain((bytes) => fc.constantFrom(...(['hex', 'base64', 'base64url'] as const).map((as) => Buffer.from(bytes).toString(as)))),
      fc.stringMatching(/^[A-Za-z0-9+/=_-]{0,12}$/),
    );
    const validators = new Map<string, (value: unknown) => boolean>();
    fc.assert(fc.property(encoding, length, text, (as, bytes, value) => {
      const spec: VarSpec = { type: 'bytes', encoding: as, ...(bytes === undefined ? {} : { length: bytes }) };
      const key = `${as}/${bytes}`;
      if (!validators.has(key)) validators.set(key, validatorFor(JSON.parse(renderSchema({ KEY: spec }, 'json-schema')) as object));
      expect(validators.get(key)!({ KEY: value })).toBe(compileValidator(spec)(value) === undefined);
    }), { numRuns: 2000 });
  });
});

describe('the .env.example', () => {
  it('reads back into the same manifest, but for the examples of secrets', () => {
    const text = renderSchema(VARS, 'env-example');
    const inferred = inferManifest(parseDotenvAnnotated(text, '.env.example'), './schema.json').document;
    const { example: _dropped, ...webhook } = VARS.WEBHOOK_SECRET;
    expect(inferred.vars).toEqual({ ...VARS, WEBHOOK_SECRET: webhook });
  });

  it('leaves secrets empty; shows examples, defaults, or placeholders that pass and are marked fakes', () => {
    const values = Object.fromEntries(parseDotenvAnnotated(renderSchema(VARS, 'env-example'), '.env.example').entries.map((entry) => [entry.name, entry.value]));
    expect(Object.keys(values)).toEqual(NAMES);
    for (const name of NAMES) {
      const spec = VARS[name];
      const value = values[name]!;
      if (spec.secret === true || spec.type === 'private-key' || spec.fake === false) expect(value, name).toBe('');
      else expect(compileValidator(localSpec(spec))(value), name).toBeUndefined();
    }
    expect(values).toMatchObject({
      GREETING: 'hello, world # not a comment', WORKERS: '4', LOG_LEVEL: 'info', TENANT_ID: '0f8fad5b-d9cb-469f-a165-70867728950e',
      FEATURE_FLAGS: '{"beta":true,"note":"a [b] \\"c\\""}', NODE_OPTIONS: '--max-old-space-size=4096',
    });
    expect(values.API_HOST).toMatch(/^fake-[a-z0-9]+\.example\.test$/);
    expect(values.PUBLISHABLE_KEY).toMatch(/^pk_test_FAKE/);
  });

  it('is the same text every time, for each format, and starts with its marker', () => {
    for (const format of SCHEMA_FORMATS) {
      const text = renderSchema(VARS, format);
      expect(renderSchema(VARS, format)).toBe(text);
      expect(markedFormat(text)).toBe(format);
      expect(text).not.toContain(EVERY_OPTION_MANIFEST.vars.WEBHOOK_SECRET.example);
    }
    expect(markedFormat('# my own notes\n# generated by devsecrets schema --format dts\n')).toBeUndefined();
  });

  it('is built from a manifest devsecrets accepts', () => {
    expect(() => parseManifest(JSON.stringify(EVERY_OPTION_MANIFEST), '/p/devsecrets.json', '/p')).not.toThrow();
  });
});
