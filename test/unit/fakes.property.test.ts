import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SpecOf, VarSpec } from '../../src/core/manifest-schema.js';
import { VAR_TYPES } from '../../src/core/manifest-schema.js';
import { isLoaderControl } from '../../src/core/loader-control.js';
import { checkSpec, compileValidator, fakeTag, generateFake, isSignedWith, parseJwt, verifyFake } from '../../src/core/types/index.js';

const opt = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });
// Loader-control names (LD_*, PATH, …) never get a fake: generateFake refuses them, as its own test shows.
const nameArb = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,30}$/).filter((name) => !isLoaderControl(name));
const seedArb = fc.uint8Array({ minLength: 32, maxLength: 32 });
/** Two bounds in either order, each optional, returned low first. */
const bounds = <T>(arb: fc.Arbitrary<T>, compare: (a: T, b: T) => number) =>
  fc.tuple(opt(arb), opt(arb)).map(([a, b]) => (a !== undefined && b !== undefined && compare(a, b) > 0 ? [b, a] : [a, b]));

const stringPatterns = [
  '[a-z]+',
  '[a-z0-9_-]{3,20}',
  '\\d{4}-\\d{2}-\\d{2}',
  '(dev|staging)-[a-z]{4}',
  '^ghp_[A-Za-z0-9]{36}$',
  '[^,]+(,[^,]+)*',
  '\\w+@\\w+\\.test',
  '(?<region>eu|us)-(?:west|east)-\\d',
];

const stringArb = fc
  .record({
    lengths: bounds(fc.nat(48), (a, b) => a - b),
    pattern: opt(fc.constantFrom(...stringPatterns)),
    secret: fc.boolean(),
  })
  .map(({ lengths: [minLength, maxLength], pattern, secret }): SpecOf<'string'> => ({
    type: 'string',
    minLength,
    maxLength,
    pattern,
    secret,
  }));

const safeIntArb = fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.maxSafeInteger(), fc.maxSafeNat().map((n) => -n));
const intArb = fc
  .record({ range: bounds(safeIntArb, (a, b) => a - b), defaultIn: opt(fc.double({ min: 0, max: 1, noNaN: true })) })
  .map(({ range: [min, max], defaultIn }): SpecOf<'int'> => ({
    type: 'int',
    min,
    max,
    default:
      defaultIn === undefined || min === undefined || max === undefined
        ? undefined
        : Math.round(min + (max - min) * defaultIn),
  }));

const finiteArb = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ min: -5, max: 5, noNaN: true }));
const numberArb = bounds(finiteArb, (a, b) => a - b).map(([min, max]): SpecOf<'number'> => ({ type: 'number', min, max }));

const boolArb = opt(fc.boolean()).map((value): SpecOf<'bool'> => ({ type: 'bool', default: value }));
const portArb = opt(fc.integer({ min: 1, max: 65535 })).map((value): SpecOf<'port'> => ({ type: 'port', default: value }));

const enumArb = fc
  .uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 6 })
  .chain((values) =>
    opt(fc.constantFrom(...values)).map((value): SpecOf<'enum'> => ({ type: 'enum', values, default: value })),
  );

const URL_SCHEMES = ['https', 'http', 'postgresql', 'postgres', 'mysql', 'mongodb', 'redis', 'rediss', 'amqp', 'git+ssh', 's3'];
const labelArb = fc.stringMatching(/^[a-z]([a-z0-9-]{0,8}[a-z0-9])?$/);
const hostPatternArb = fc
  .array(fc.oneof(labelArb, fc.constant('*')), { minLength: 1, maxLength: 4 })
  .map((labels) => labels.join('.'));
const urlArb = fc
  .record({
    protocols: opt(
      fc.uniqueArray(
        fc.constantFrom(...URL_SCHEMES),
        { minLength: 1, maxLength: 3 },
      ),
    ),
    params: opt(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 12 }), { maxKeys: 3 })),
    host: opt(fc.uniqueArray(hostPatternArb, { minLength: 1, maxLength: 3 })),
    list: opt(fc.boolean()),
    secret: fc.boolean(),
  })
  .map((options): SpecOf<'url'> => ({ type: 'url', ...options }));

const durationTextArb = fc
  .tuple(fc.nat(500), fc.constantFrom('ms', 's', 'm', 'h', 'd', 'w'))
  .map(([count, unit]) => `${count}${unit}`);
const durationArb = fc
  .tuple(opt(durationTextArb), opt(durationTextArb))
  .map(([min, max]): SpecOf<'duration'> => ({ type: 'duration', min, max }));

const tokenArb = fc
  .record({
    prefix: opt(fc.stringMatching(/^[a-z]{1,4}_(test_)?$/)),
    extra: opt(fc.integer({ min: 1, max: 64 })),
    charset: opt(fc.constantFrom('alnum', 'hex', 'base64url') as fc.Arbitrary<'alnum' | 'hex' | 'base64url'>),
  })
  .map(({ prefix, extra, charset }): SpecOf<'token'> => ({
    type: 'token',
    prefix,
    length: extra === undefined ? undefined : (prefix ?? '').length + extra,
    charset,
    secret: true,
  }));

const bytesArb = fc
  .record({
    encoding: opt(fc.constantFrom('hex', 'base64', 'base64url') as fc.Arbitrary<'hex' | 'base64' | 'base64url'>),
    length: opt(fc.integer({ min: 1, max: 128 })),
  })
  .map((options): SpecOf<'bytes'> => ({ type: 'bytes', ...options, secret: true }));

const simpleArb = fc
  .constantFrom('email', 'hostname', 'uuid')
  .map((type): VarSpec => ({ type }) as VarSpec);
const hostnameArb = opt(fc.boolean()).map((leadingDot): SpecOf<'hostname'> => ({ type: 'hostname', leadingDot }));

const claimNameArb = fc.oneof(fc.constantFrom('iat', 'exp', 'nbf', 'sub', 'iss', 'aud', 'role', 'devsecrets'), fc.string({ minLength: 1, maxLength: 8 }));
const jwtArb = fc
  .record({
    alg: opt(fc.constantFrom('HS256', 'HS384', 'HS512') as fc.Arbitrary<'HS256' | 'HS384' | 'HS512'>),
    claims: opt(fc.dictionary(claimNameArb, fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean()), { maxKeys: 3 })),
    requiredClaims: opt(fc.uniqueArray(claimNameArb, { minLength: 1, maxLength: 4 })),
  })
  .map((options): SpecOf<'jwt'> => ({ type: 'jwt', ...options, secret: true }));

/** A json var's preset is either a JSON value, or (as a string) the env text itself. */
const jsonPresetArb = fc.oneof(
  fc.jsonValue().filter((value) => typeof value !== 'string'),
  fc.jsonValue().map((value) => JSON.stringify(value)),
);
const jsonArb = fc
  .record({ example: opt(jsonPresetArb), default: opt(jsonPresetArb) })
  .map((options): SpecOf<'json'> => ({ type: 'json', ...options }));

const privateKeyArb: fc.Arbitrary<SpecOf<'private-key'>> = fc.oneof(
  opt(fc.constantFrom(1024, 2048)).map((minBits) => ({ type: 'private-key' as const, algorithm: 'rsa' as const, minBits })),
  fc
    .record({
      curve: opt(fc.constantFrom('P-256', 'P-384', 'P-521') as fc.Arbitrary<'P-256' | 'P-384' | 'P-521'>),
      minBits: opt(fc.constantFrom(128, 256, 384, 521)),
    })
    .map((options) => ({ type: 'private-key' as const, algorithm: 'ec' as const, ...options }))
    .filter((spec) => checkSpec('KEY', spec).length === 0),
  fc.constant({ type: 'private-key' as const, algorithm: 'ed25519' as const }),
);

/** Specs that checkSpec accepts, of every type but private-key (whose keys are too slow to make 100 times). */
const soundSpecArb: fc.Arbitrary<VarSpec> = fc
  .oneof(stringArb, intArb, numberArb, boolArb, portArb, enumArb, urlArb, durationArb, tokenArb, bytesArb, simpleArb, hostnameArb, jsonArb, jwtArb)
  .filter((spec) => checkSpec('VAR', spec).length === 0);

describe('fakes', () => {
  it('the arbitraries cover every type', () => {
    const covered = new Set(fc.sample(soundSpecArb, 500).map((spec) => spec.type));
    expect([...covered, 'private-key'].sort()).toEqual([...VAR_TYPES].sort());
  });

  it('pass their own validator', () => {
    fc.assert(
      fc.property(soundSpecArb, nameArb, seedArb, (spec, name, seed) => {
        expect(compileValidator(spec)(generateFake(name, spec, seed))).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it('of a jwt signed with another variable are signed with its value', () => {
    const keyArb = fc.string({ minLength: 1, maxLength: 64 });
    fc.assert(
      fc.property(jwtArb, nameArb, seedArb, keyArb, (unsigned, name, seed, key) => {
        const spec = { ...unsigned, signedWith: 'SIGNING_KEY' };
        const token = generateFake(name, spec, seed, (other) => (other === 'SIGNING_KEY' ? key : undefined));
        expect(compileValidator(spec)(token)).toBeUndefined();
        expect(isSignedWith(token, key, spec.alg ?? 'HS256')).toBe(true);
        expect(isSignedWith(token, `${key}x`, spec.alg ?? 'HS256')).toBe(false);
        // The marker claim, unless the manifest itself names a claim "devsecrets".
        const named = Object.hasOwn(spec.claims ?? {}, 'devsecrets') || (spec.requiredClaims ?? []).includes('devsecrets');
        if (!named) expect(parseJwt(token)?.payload.devsecrets).toBe('fake');
      }),
    );
  });

  it('are reproducible from name, spec and seed', () => {
    fc.assert(
      fc.property(soundSpecArb, nameArb, seedArb, (spec, name, seed) => {
        expect(generateFake(name, spec, Uint8Array.from(seed))).toBe(generateFake(name, spec, seed));
      }),
    );
  });

  it('differ across seeds for tokens and bytes', () => {
    const roomyArb = fc.oneof(
      tokenArb.filter((spec) => spec.length === undefined || spec.length - (spec.prefix ?? '').length >= 12),
      bytesArb.filter((spec) => spec.length === undefined || spec.length >= 6),
    );
    fc.assert(
      fc.property(roomyArb, nameArb, seedArb, seedArb, (spec, name, seed, otherSeed) => {
        fc.pre(Buffer.compare(seed, otherSeed) !== 0);
        expect(generateFake(name, spec, seed)).not.toBe(generateFake(name, spec, otherSeed));
      }),
    );
  });

  it('are verified by their tag, and nothing else is', () => {
    const dropChar = (at: number) => (value: string) =>
      value === '' ? 'x' : value.slice(0, at % value.length) + value.slice((at % value.length) + 1);
    const editArb = fc.oneof(
      fc.string({ minLength: 1, maxLength: 4 }).map((extra) => (value: string) => value + extra),
      fc.nat().map(dropChar),
    );
    fc.assert(
      fc.property(soundSpecArb, nameArb, seedArb, seedArb, editArb, (spec, name, seed, otherSeed, edit) => {
        fc.pre(Buffer.compare(seed, otherSeed) !== 0);
        const value = generateFake(name, spec, seed);
        const tag = fakeTag(name, value, seed);
        expect(verifyFake(name, value, seed, tag)).toBe(true);
        expect(verifyFake(name, edit(value), seed, tag)).toBe(false);
        expect(verifyFake(name, value, otherSeed, tag)).toBe(false);
      }),
    );
  });

  it('never put a value into a reason', () => {
    const plantedArb = fc.stringMatching(/^[A-Za-z0-9]{24}$/).map((secret) => `x${secret}`);
    const leadArb = fc.constantFrom('', 'https://u:', 'sk_test_', '-----BEGIN PRIVATE KEY-----\n');
    fc.assert(
      fc.property(soundSpecArb, plantedArb, leadArb, (spec, secret, lead) => {
        const reason = compileValidator(spec)(lead + secret);
        if (reason !== undefined) expect(reason).not.toContain(secret);
      }),
    );
  });

  it('are real private keys that pass their validator', () => {
    fc.assert(
      fc.property(privateKeyArb, nameArb, seedArb, (spec, name, seed) => {
        expect(checkSpec(name, spec)).toEqual([]);
        expect(compileValidator(spec)(generateFake(name, spec, seed))).toBeUndefined();
      }),
      { numRuns: 6 },
    );
  });
});
