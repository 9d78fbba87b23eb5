import { describe, expect, it } from 'vitest';
import { compileForbidRule, findInsecureReason, findLiveCredential, type ForbidRule } from '../../src/core/insecure.js';
import type { VarSpec } from '../../src/core/manifest-schema.js';

const token: VarSpec = { type: 'token', secret: true };
const db: VarSpec = { type: 'url', protocols: ['postgresql'], params: { sslmode: 'require' }, secret: true };
/** The shape age-keygen writes (a made-up key: bech32 alphabet, 58 characters). */
const AGE_KEY = `AGE-SECRET-KEY-1${'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L'.repeat(2).slice(0, 58)}`;
const rules = ['*.prod.example.com', '/corp-[0-9]+/'].map((source) => compileForbidRule(source) as ForbidRule);

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

describe('compileForbidRule', () => {
  it('explains invalid entries', () => {
    expect(compileForbidRule('/([/')).toMatch(/not a valid regular expression/);
    expect(compileForbidRule('  ')).toMatch(/empty/);
  });
});
