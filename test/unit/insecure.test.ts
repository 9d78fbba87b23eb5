import { describe, expect, it } from 'vitest';
import { compileForbidRule, findInsecureReason, findLiveCredential, forbidRuleProblem } from '../../src/core/insecure.js';
import type { VarSpec } from '../../src/core/manifest-schema.js';

const token: VarSpec = { type: 'token', secret: true };
const db: VarSpec = { type: 'url', protocols: ['postgresql'], params: { sslmode: 'require' }, secret: true };
/** The shape age-keygen writes (a made-up key: bech32 alphabet, 58 characters). */
const AGE_KEY = `AGE-SECRET-KEY-1${'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L'.repeat(2).slice(0, 58)}`;
const rules = ['*.prod.example.com', '/corp-[0-9]+/'].map((source) => compileForbidRule(source));

describe('findInsecureReason', () => {
  it.each([
    ['AKIA' + 'ABCDEFGHIJKLMNOP', 'AWS'],
    ['ASIA' + 'ABCDEFGHIJKLMNOP', 'AWS'],
    ['sk_live_' + 'a'.repeat(24), 'Stripe'],
    ['rk_live_' + 'a'.repeat(24), 'Stripe'],
    ['ghp_' + 'a'.repeat(36), 'GitHub'],
    ['github_pat_' + 'a'.repeat(40), 'GitHub'],
    ['xoxb-' + '1234567890-abcdef', 'Slack'],
    ['AIza' + 'a'.repeat(35), 'Google'],
    [AGE_KEY, 'age secret key'],
  ])('recognises a live credential (%s)', (value, label) => {
    const reason = findInsecureReason(token, value, []);
    expect(reason).toContain(label);
    expect(reason).not.toContain(value);
  });

  it('accepts test keys and fakes', () => {
    expect(findInsecureReason(token, 'sk_test_FAKE' + 'a'.repeat(20), [])).toBeUndefined();
  });

  it('knows an age secret key by its bech32 form only: HRP, separator, 58 characters of the bech32 alphabet', () => {
    expect(findLiveCredential(`# created: 2026-01-01\n${AGE_KEY}\n`)).toBe('an age secret key');
    for (const near of [AGE_KEY.slice(0, -1), `${AGE_KEY}Q`, AGE_KEY.replace(/.$/, 'B'), AGE_KEY.replace('KEY-1', 'KEY-2'), 'AGE-SECRET-KEY-1', AGE_KEY.replace(/.$/, 'b')]) {
      expect(findLiveCredential(near), near).toBeUndefined();
    }
  });

  it('refuses a private key in a variable that is not a private-key', () => {
    expect(findInsecureReason(token, '-----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY-----', [])).toMatch(/private key/);
    expect(findInsecureReason({ type: 'private-key' }, '-----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY-----', [])).toBeUndefined();
  });

  it('refuses weak URL passwords and sslmode=disable', () => {
    expect(findInsecureReason(db, 'postgresql://app:postgres@localhost/db?sslmode=require', [])).toMatch(/weak password/);
    expect(findInsecureReason(db, 'postgresql://app:short@localhost/db?sslmode=require', [])).toMatch(/weak password/);
    expect(findInsecureReason(db, 'postgresql://appuser1:appuser1@localhost/db?sslmode=require', [])).toMatch(/weak password/);
    expect(findInsecureReason(db, 'postgresql://app:Zx9-long-random-pass@localhost/db?sslmode=disable', [])).toMatch(/sslmode=disable/);
    expect(findInsecureReason(db, 'postgresql://app:Zx9-long-random-pass@localhost/db?sslmode=require', [])).toBeUndefined();
  });

  it('applies forbid rules to values and URL hosts', () => {
    expect(findInsecureReason(db, 'postgresql://app:Zx9-long-random-pass@db.prod.example.com/x?sslmode=require', rules)).toMatch(/\*\.prod\.example\.com/);
    expect(findInsecureReason({ type: 'hostname' }, 'api.prod.example.com', rules)).toMatch(/forbid/);
    expect(findInsecureReason({ type: 'string' }, 'x corp-42 y', rules)).toMatch(/corp-/);
    expect(findInsecureReason({ type: 'hostname' }, 'api.staging.example.com', rules)).toBeUndefined();
  });
});

describe('forbidRuleProblem', () => {
  it('explains invalid entries', () => {
    expect(forbidRuleProblem('/([/')).toBe('"/([/" is not a valid RE2 regular expression (missing closing ]: `[`)');
    expect(forbidRuleProblem('  ')).toMatch(/empty/);
    expect(forbidRuleProblem('/corp/x')).toBe('"/corp/x" has an unsupported or repeated flag x (the flags that matter are i, m and s)');
    expect(forbidRuleProblem('/corp/ii')).toMatch(/repeated flag i/);
  });

  it('names the JavaScript-only construct RE2 leaves out', () => {
    expect(forbidRuleProblem('/(corp)-\\1/')).toMatch(/^"\/\(corp\)-\\1\/" uses a backreference .*: manifest regexes are RE2 syntax/);
    expect(forbidRuleProblem('/(?=prod)\\w+/')).toMatch(/^"\/\(\?=prod\)\\w\+\/" uses a lookahead/);
    expect(forbidRuleProblem('/(?<!test_)live/')).toMatch(/uses a lookbehind/);
  });

  it('accepts globs, RE2 regexes and the flags that make sense', () => {
    for (const source of ['*.prod.example.com', '/sk_live_[A-Za-z0-9]+/', '/^prod-\\pL+$/imsguy', '/(?i)corp/']) {
      expect(forbidRuleProblem(source), source).toBeUndefined();
    }
  });
});

describe('compileForbidRule', () => {
  it('searches the value with an RE2 regex, honouring i, m and s', () => {
    expect(compileForbidRule('/corp-\\d+/').test('x corp-42 y')).toBe(true);
    expect(compileForbidRule('/CORP/').test('corp')).toBe(false);
    expect(compileForbidRule('/CORP/i').test('corp')).toBe(true);
    expect(compileForbidRule('/^b$/').test('a\nb')).toBe(false);
    expect(compileForbidRule('/^b$/m').test('a\nb')).toBe(true);
    expect(compileForbidRule('/a.b/').test('a\nb')).toBe(false);
    expect(compileForbidRule('/a.b/s').test('a\nb')).toBe(true);
    // A JS regex with g would alternate true and false through lastIndex.
    const global = compileForbidRule('/x/g');
    expect([global.test('x'), global.test('x')]).toEqual([true, true]);
  });

  it('matches a glob against the whole value or a URL host, ignoring case', () => {
    const rule = compileForbidRule('*.Prod.example.com');
    expect(rule.test('api.prod.EXAMPLE.com')).toBe(true);
    expect(rule.test('https://api.prod.example.com/x')).toBe(true);
    expect(rule.test('api.prod.example.com.evil')).toBe(false);
    expect(rule.test('prod.example.com')).toBe(false);
    expect(compileForbidRule('db-*-primary').test('db--primary')).toBe(true);
    expect(compileForbidRule('a*b*c').test('aXbYbZc')).toBe(true);
    expect(compileForbidRule('a*b*c').test('aXbYbZ')).toBe(false);
    expect(compileForbidRule('**').test('')).toBe(true);
  });

  it('compiles a regex on its first test, and fails loudly on a source never checked', () => {
    const rule = compileForbidRule('/(a)\\1/');
    expect(rule.source).toBe('/(a)\\1/');
    expect(() => rule.test('aa')).toThrow(/forbid rule \/\(a\)\\1\/ uses a backreference/);
  });
});
