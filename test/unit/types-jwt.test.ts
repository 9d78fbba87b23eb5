/**
 * The `jwt` type, a token signed with another variable's value (`signedWith`), and the
 * other options inference writes: `list` urls, `leadingDot` hostnames, `"fake": false`.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DevsecretsError } from '../../src/core/errors.js';
import { environmentRefusal, evaluateValues } from '../../src/core/evaluate.js';
import { parseManifest } from '../../src/core/manifest.js';
import type { VarSpec } from '../../src/core/manifest-schema.js';
import { rotateDocument } from '../../src/core/rotate-store.js';
import { createStoreDocument, fakeableVars } from '../../src/core/seed-store.js';
import { valuesOf } from '../../src/core/store-document.js';
import { stampDocument } from '../../src/core/store-stamp.js';
import { syncDocument } from '../../src/core/sync-store.js';
import { checkSpec, compileValidator, generateFake, isSignedWith, parseJwt } from '../../src/core/types/index.js';

const SEED = new Uint8Array(32).fill(7);
const NOW = new Date('2026-01-01T00:00:00Z');

/** Supabase's published demo key (docker/.env.example), signed with its demo JWT_SECRET. */
const DEMO_SECRET = 'your-super-secret-jwt-token-with-at-least-32-characters-long';
const DEMO_ANON_KEY =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyAgCiAgICAicm9sZSI6ICJhbm9uIiwKICAgICJpc3MiOiAic3VwYWJhc2UtZGVtbyIsCiAgICAiaWF0IjogMTY0MTc2OTIwMCwKICAgICJleHAiOiAxNzk5NTM1NjAwCn0.dc_X5iR_VP_qT0zsiyj_I_OZ2T9FtRU2BBNWN8Bu4GE';

function sign(header: object, payload: object, key: string, hash = 'sha256'): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${input}.${createHmac(hash, key).update(input).digest('base64url')}`;
}

const parse = (document: object) => parseManifest(JSON.stringify(document), '/p/devsecrets.json', '/p');

const supabase = parse({
  vars: {
    ANON_KEY: { type: 'jwt', claims: { role: 'anon' }, requiredClaims: ['iss', 'iat', 'exp'], signedWith: 'JWT_SECRET', secret: true },
    JWT_SECRET: { type: 'string', minLength: 32, secret: true },
    SERVICE_ROLE_KEY: { type: 'jwt', claims: { role: 'service_role' }, signedWith: 'JWT_SECRET', secret: true },
  },
});

describe('jwt validator', () => {
  const spec: VarSpec = { type: 'jwt', claims: { role: 'anon' }, requiredClaims: ['exp'] };
  const validate = compileValidator(spec);

  it('accepts a real token with the claims, in the header algorithm asked for', () => {
    expect(validate(DEMO_ANON_KEY)).toBeUndefined();
    expect(validate(sign({ alg: 'HS256' }, { role: 'anon', exp: 1 }, 'k'))).toBeUndefined();
    expect(compileValidator({ type: 'jwt', alg: 'HS512' })(sign({ alg: 'HS512' }, {}, 'k', 'sha512'))).toBeUndefined();
  });

  it('names what is wrong, never the value', () => {
    expect(validate('not.a.jwt')).toBe('must be a JWT: three base64url parts, a JSON header and payload, and a signature');
    expect(validate(`${DEMO_ANON_KEY}=`)).toBe('must be a JWT: three base64url parts, a JSON header and payload, and a signature');
    expect(validate(sign({ alg: 'HS384' }, { role: 'anon', exp: 1 }, 'k', 'sha384'))).toBe('must be signed with HS256');
    expect(validate(sign({ alg: 'HS256' }, { role: 'service_role', exp: 1 }, 'k'))).toBe('must have the claim role = "anon"');
    expect(validate(sign({ alg: 'HS256' }, { role: 'anon' }, 'k'))).toBe('must have the claim exp');
    const [head, body] = DEMO_ANON_KEY.split('.');
    expect(validate(`${head}.${body}.c2hvcnQ`)).toBe('must carry a HS256 signature of 32 bytes');
  });

  it('isSignedWith checks the HMAC under the value of the key variable', () => {
    expect(isSignedWith(DEMO_ANON_KEY, DEMO_SECRET, 'HS256')).toBe(true);
    expect(isSignedWith(DEMO_ANON_KEY, `${DEMO_SECRET}!`, 'HS256')).toBe(false);
    expect(isSignedWith(DEMO_ANON_KEY, DEMO_SECRET, 'HS512')).toBe(false);
    expect(isSignedWith('eyJ', DEMO_SECRET, 'HS256')).toBe(false);
  });

  it('fakes are real, marked tokens; unsigned ones under a key nobody holds', () => {
    const fake = generateFake('ANON_KEY', { type: 'jwt', claims: { role: 'anon' }, requiredClaims: ['iss', 'iat', 'exp'] }, SEED);
    const parts = parseJwt(fake)!;
    expect(parts.header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(parts.payload).toMatchObject({ role: 'anon', iss: expect.stringMatching(/^fake-/), exp: 2_145_830_400, devsecrets: 'fake' });
    expect(parts.payload.iat).toBeGreaterThanOrEqual(1_704_067_200);
    expect(parts.payload.iat).toBeLessThan(1_735_689_600);
  });

  it('a signed fake needs its key first', () => {
    const spec = supabase.vars.ANON_KEY!;
    expect(() => generateFake('ANON_KEY', spec, SEED)).toThrow(/ANON_KEY: cannot sign it: JWT_SECRET has no value yet/);
    const fake = generateFake('ANON_KEY', spec, SEED, (name) => (name === 'JWT_SECRET' ? DEMO_SECRET : undefined));
    expect(isSignedWith(fake, DEMO_SECRET, 'HS256')).toBe(true);
  });
});

describe('signedWith across the store', () => {
  it('the manifest refuses a signer that is missing, itself, a signed token or gets no fake', () => {
    const problems = (vars: Record<string, unknown>) => {
      try {
        parse({ vars });
        return [];
      } catch (error) {
        return (error as DevsecretsError).issues.map((issue) => `${issue.var}: ${issue.message}`);
      }
    };
    expect(problems({ A: { type: 'jwt', signedWith: 'NOPE' } })).toEqual(['A: signedWith: NOPE is not a variable of the manifest']);
    expect(problems({ A: { type: 'jwt', signedWith: 'A' } })).toEqual(['A: signedWith: a token cannot be signed with itself']);
    expect(problems({ A: { type: 'jwt', signedWith: 'B' }, B: { type: 'jwt', signedWith: 'C' }, C: { type: 'string' } })).toEqual([
      'A: signedWith: B is itself a signed token; sign with a secret instead',
    ]);
    expect(problems({ A: { type: 'jwt', signedWith: 'B' }, B: { type: 'string', required: false, fake: false } })).toEqual([
      'A: signedWith: B gets no fake, so devsecrets could not sign this token',
    ]);
  });

  it('seeding makes the key before the tokens (whatever the manifest order) and signs them with it', () => {
    expect(fakeableVars(supabase).map(([name]) => name)).toEqual(['JWT_SECRET', 'ANON_KEY', 'SERVICE_ROLE_KEY']);
    const document = createStoreDocument(supabase, 'store-1', SEED, NOW);
    const secret = document.vars.JWT_SECRET!.value;
    expect(isSignedWith(document.vars.ANON_KEY!.value, secret, 'HS256')).toBe(true);
    expect(isSignedWith(document.vars.SERVICE_ROLE_KEY!.value, secret, 'HS256')).toBe(true);
    stampDocument(document, supabase);
    expect(document.checked).toBeDefined();
  });

  it('a key set by a person makes run refuse the old tokens, and sync signs the generated ones again', () => {
    const document = createStoreDocument(supabase, 'store-1', SEED, NOW);
    document.vars.JWT_SECRET = { value: DEMO_SECRET, origin: 'set', updatedAt: NOW.toISOString() };
    const evaluation = evaluateValues(supabase, valuesOf(document));
    expect(evaluation.invalid).toEqual([
      { var: 'ANON_KEY', message: 'is not signed with the value of JWT_SECRET (HS256)' },
      { var: 'SERVICE_ROLE_KEY', message: 'is not signed with the value of JWT_SECRET (HS256)' },
    ]);
    expect(environmentRefusal(evaluation, [])?.message).toContain('2 problems');
    stampDocument(document, supabase);
    expect(document.checked).toBeUndefined();

    const report = syncDocument(document, supabase, NOW);
    expect(report.regenerated).toEqual(['ANON_KEY', 'SERVICE_ROLE_KEY']);
    expect(isSignedWith(document.vars.ANON_KEY!.value, DEMO_SECRET, 'HS256')).toBe(true);
    expect(evaluateValues(supabase, valuesOf(document)).invalid).toEqual([]);
  });

  it('a token someone set is judged against the key, and kept by sync', () => {
    const document = createStoreDocument(supabase, 'store-1', SEED, NOW);
    document.vars.ANON_KEY = { value: DEMO_ANON_KEY, origin: 'set', updatedAt: NOW.toISOString() };
    const report = syncDocument(document, supabase, NOW);
    expect(report.invalidKept).toEqual([{ var: 'ANON_KEY', message: 'is not signed with the value of JWT_SECRET (HS256)' }]);
    document.vars.JWT_SECRET = { value: DEMO_SECRET, origin: 'set', updatedAt: NOW.toISOString() };
    // The demo key now verifies; the generated one was signed with the old fake key.
    expect(evaluateValues(supabase, valuesOf(document)).invalid.map((issue) => issue.var)).toEqual(['SERVICE_ROLE_KEY']);
  });

  it('rotation signs the new tokens with the new key', () => {
    const document = createStoreDocument(supabase, 'store-1', SEED, NOW);
    rotateDocument(document, supabase, [], new Uint8Array(32).fill(8), NOW);
    expect(isSignedWith(document.vars.ANON_KEY!.value, document.vars.JWT_SECRET!.value, 'HS256')).toBe(true);
  });
});

describe('options inference writes', () => {
  it('url list: comma-separated urls, each meeting every option; empty is the empty list', () => {
    const spec: VarSpec = { type: 'url', protocols: ['https', 'http'], list: true };
    const validate = compileValidator(spec);
    expect(validate('http://localhost:3170,http://localhost:3000')).toBeUndefined();
    expect(validate('')).toBeUndefined();
    expect(validate('http://a.test,ftp://b.test')).toBe('each url of the list must be a https or http url');
    expect(validate('http://a.test, http://b.test')).toBe('each url of the list must be a valid url');
    const fake = generateFake('ORIGINS', spec, SEED);
    expect(fake.split(',')).toHaveLength(2);
    expect(validate(fake)).toBeUndefined();
  });

  it('hostname leadingDot: a cookie domain', () => {
    const spec: VarSpec = { type: 'hostname', leadingDot: true };
    expect(compileValidator(spec)('.example.com')).toBeUndefined();
    expect(compileValidator(spec)('example.com')).toBeUndefined();
    expect(compileValidator(spec)('..example.com')).toBe('must be a valid hostname, optionally led by a dot');
    expect(compileValidator({ type: 'hostname' })('.example.com')).toBe('must be a valid hostname');
    expect(generateFake('COOKIE_DOMAIN', spec, SEED)).toMatch(/^\.fake-[a-z0-9]{8}\.example\.test$/);
  });

  it('"fake": false: only on an optional variable, and then no fake is ever made', () => {
    expect(checkSpec('A', { type: 'string', fake: false })).toEqual([
      { var: 'A', message: '"fake": false needs "required": false (devsecrets makes no value for it, so run would refuse until someone sets one)' },
    ]);
    const spec: VarSpec = { type: 'string', required: false, fake: false };
    expect(checkSpec('A', spec)).toEqual([]);
    expect(() => generateFake('A', spec, SEED)).toThrow(/A: is declared "fake": false/);
    const manifest = parse({ vars: { A: spec, B: { type: 'string', required: false } } });
    const document = createStoreDocument(manifest, 'store-1', SEED, NOW);
    // A hand-written optional variable keeps its fake; the one declared "fake": false has none.
    expect(Object.keys(document.vars)).toEqual(['B']);
    stampDocument(document, manifest);
    expect(document.checked).toBeDefined();
    expect(syncDocument(document, manifest, NOW).added).toEqual([]);
    expect(() => rotateDocument(document, manifest, ['A'], SEED, NOW)).toThrow(/cannot rotate A/);
    // A fake made before the manifest said "fake": false goes at the next sync.
    document.vars.A = { value: 'fake-old', origin: 'generated', updatedAt: NOW.toISOString() };
    expect(syncDocument(document, manifest, NOW).dropped).toEqual(['A']);
  });
});
