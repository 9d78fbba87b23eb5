// One manifest, two sides: the types describe production; the local side adds the forbid
// list and the live-credential guard and reads a live token prefix in its test spelling;
// the production side refuses devsecrets fakes and developer hosts, and never the local guards.
import { describe, expect, it } from 'vitest';
import { evaluateValue, evaluateValues } from '../../src/core/evaluate.js';
import { parseManifest } from '../../src/core/manifest.js';
import { findProductionProblem } from '../../src/core/production-rules.js';
import { localPrefix, localSpec } from '../../src/core/token-prefix.js';
import { compileValidator, generateFake } from '../../src/core/types/index.js';
import type { VarSpec } from '../../src/core/manifest-schema.js';
import { productionManifest } from '../helpers/production-manifest.js';

const manifest = parseManifest(JSON.stringify(productionManifest({
  API_HOST: { type: 'hostname' },
  SUPPORT_EMAIL: { type: 'email' },
  GREETING: { type: 'string' },
  SESSION_KEY: { type: 'bytes', encoding: 'base64', length: 32, secret: true },
})), '/p/devsecrets.json', '/p');
const SEED = new Uint8Array(32).fill(3);
const LIVE = `sk_live_${'A1b2C3d4'.repeat(3)}`;
const PROD_URL = 'postgresql://app:Zq8vN3kLx2@db-1.prod.acme.internal:5432/app?sslmode=require';

describe('the token prefix in its local spelling', () => {
  it.each([
    ['sk_live_', 'sk_test_'], ['rk_live_', 'rk_test_'], ['pk_live_', 'pk_test_'], ['live_', 'test_'], ['sk-live-', 'sk-test-'],
    ['sk_test_', 'sk_test_'], ['delivery_', 'delivery_'], ['olive_', 'olive_'], ['whsec_', 'whsec_'], ['', ''],
  ])('%s → %s', (prefix, local) => {
    expect(localPrefix(prefix)).toBe(local);
  });

  it('leaves every spec but a live-prefixed token as it is (the same object)', () => {
    const url: VarSpec = { type: 'url' };
    expect(localSpec(url)).toBe(url);
    expect(localSpec({ type: 'token', prefix: 'sk_live_' })).toEqual({ type: 'token', prefix: 'sk_test_' });
  });

  it('fakes use the test spelling, which the local side accepts and production refuses', () => {
    const spec = manifest.vars.STRIPE_SECRET_KEY!;
    const fake = generateFake('STRIPE_SECRET_KEY', spec, SEED);
    expect(fake).toMatch(/^sk_test_FAKE[A-Za-z0-9]{20}$/);
    expect(evaluateValue(manifest, 'STRIPE_SECRET_KEY', spec, fake, 'local')).toEqual({});
    expect(evaluateValue(manifest, 'STRIPE_SECRET_KEY', spec, fake, 'production').invalid?.message).toBe('must start with sk_live_');
  });
});

describe('the local side', () => {
  it('refuses a live key (the guard) and a production host (the forbid list)', () => {
    expect(evaluateValue(manifest, 'STRIPE_SECRET_KEY', manifest.vars.STRIPE_SECRET_KEY!, LIVE, 'local').insecure?.message).toMatch(/live Stripe key/);
    expect(evaluateValue(manifest, 'DATABASE_URL', manifest.vars.DATABASE_URL!, PROD_URL, 'local').insecure?.message).toMatch(/forbid rule \*\.prod\.acme\.internal/);
  });
});

describe('the production side', () => {
  it('accepts live credentials and production hosts: the local guards never apply', () => {
    const values = { STRIPE_SECRET_KEY: LIVE, DATABASE_URL: PROD_URL, API_HOST: 'api.acme.com', SUPPORT_EMAIL: 'help@acme.com', GREETING: 'hello', SESSION_KEY: Buffer.alloc(32, 7).toString('base64') };
    const evaluation = evaluateValues(manifest, values, 'production');
    expect(evaluation).toEqual({ side: 'production', missing: [], invalid: [], insecure: [], fake: [] });
  });

  it('finds every marked devsecrets fake the store would hold', () => {
    for (const name of ['STRIPE_SECRET_KEY', 'DATABASE_URL', 'API_HOST', 'SUPPORT_EMAIL', 'GREETING']) {
      const spec = manifest.vars[name]!;
      const fake = generateFake(name, spec, SEED);
      expect(findProductionProblem(spec, fake)?.code, name).toBe('FAKE_IN_PRODUCTION');
    }
    // Random key bytes carry no marker: only the store's tag tells them, and production has no store.
    const bytes = generateFake('SESSION_KEY', manifest.vars.SESSION_KEY!, SEED);
    expect(findProductionProblem(manifest.vars.SESSION_KEY!, bytes)).toBeUndefined();
  });

  it('finds a fake token under the manifest\'s live prefix too', () => {
    expect(findProductionProblem(manifest.vars.STRIPE_SECRET_KEY!, `sk_live_FAKE${'x'.repeat(20)}`)?.code).toBe('FAKE_IN_PRODUCTION');
  });

  it.each([
    ['DATABASE_URL', 'postgresql://app:Zq8vN3kLx2@localhost:5432/app?sslmode=require', /developer machine/],
    ['DATABASE_URL', 'postgresql://app:Zq8vN3kLx2@127.0.0.1:5432/app?sslmode=require', /developer machine/],
    ['DATABASE_URL', 'postgresql://app:Zq8vN3kLx2@db.staging.test:5432/app?sslmode=require', /developer machine/],
    ['DATABASE_URL', 'postgresql://app:Zq8vN3kLx2@db.acme.com:5432/app?sslmode=disable', /sslmode=disable/],
    ['DATABASE_URL', 'postgresql://postgres:postgres@db.acme.com:5432/app?sslmode=require', /weak password/],
    ['API_HOST', 'api.localhost', /developer machine/],
    ['SUPPORT_EMAIL', 'help@example.com', /developer machine/],
  ])('refuses %s = %s', (name, value, reason) => {
    const problem = findProductionProblem(manifest.vars[name]!, value);
    expect(problem?.code).toBe('INSECURE_VALUE');
    expect(problem?.reason).toMatch(reason);
    expect(problem?.reason).not.toContain(value);
  });

  it('validates against the manifest as written: production must have the live prefix', () => {
    expect(compileValidator(manifest.vars.STRIPE_SECRET_KEY!)(LIVE)).toBeUndefined();
  });
});
