/**
 * `private-key`: an unencrypted PEM private key (PKCS#8, PKCS#1 or SEC1) of the required
 * algorithm and strength. Without `algorithm`, rsa is meant — the common case, and the
 * one `minBits` was made for. Fakes are real keys made by node:crypto, so they are fresh
 * on every call and not reproducible from the seed; the store keeps them.
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject, type KeyPairKeyObjectResult } from 'node:crypto';
import * as z from 'zod/mini';
import type { SpecOf } from '../manifest-schema.js';
import { fakeUnavailable, type TypeDef } from './type-def.js';

type Spec = SpecOf<'private-key'>;
type Curve = NonNullable<Spec['curve']>;

/** Manifest curve names, smallest first, with the names node:crypto reports and their sizes. */
const CURVES: Record<Curve, { name: string; bits: number }> = {
  'P-256': { name: 'prime256v1', bits: 256 },
  'P-384': { name: 'secp384r1', bits: 384 },
  'P-521': { name: 'secp521r1', bits: 521 },
};
/** Sizes of every curve a pasted key may use, including ones a manifest cannot name. */
const CURVE_BITS: Record<string, number> = {
  ...Object.fromEntries(Object.values(CURVES).map((curve) => [curve.name, curve.bits])),
  secp256k1: 256,
};
const MIN_RSA_BITS = 2048;
/** Above this, generating a fake key takes minutes. */
const MAX_RSA_BITS = 8192;

/** The curve a fake uses: the manifest's, else the smallest meeting minBits; undefined when none fits. */
function fakeCurve(spec: Spec): Curve | undefined {
  const candidates = spec.curve === undefined ? (Object.keys(CURVES) as Curve[]) : [spec.curve];
  return candidates.find((curve) => CURVES[curve].bits >= (spec.minBits ?? 0));
}

function parseKey(pem: string): KeyObject | undefined {
  try {
    return createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    return undefined;
  }
}

/** Why the PEM text fails the spec; the reason never includes key material. */
function keyProblem(spec: Spec, pem: string): string | undefined {
  const key = parseKey(pem);
  if (key === undefined) return 'must be an unencrypted pem private key';
  const algorithm = spec.algorithm ?? 'rsa';
  if (key.asymmetricKeyType !== algorithm) return `must be an ${algorithm} private key`;
  const { modulusLength, namedCurve } = key.asymmetricKeyDetails ?? {};
  if (algorithm === 'rsa' && spec.minBits !== undefined && (modulusLength ?? 0) < spec.minBits) {
    return `must be at least ${spec.minBits} bits`;
  }
  if (algorithm === 'ec' && spec.curve !== undefined && namedCurve !== CURVES[spec.curve].name) {
    return `must use curve ${spec.curve}`;
  }
  if (algorithm === 'ec' && spec.minBits !== undefined && (CURVE_BITS[namedCurve ?? ''] ?? 0) < spec.minBits) {
    return `must use a curve of at least ${spec.minBits} bits`;
  }
  return undefined;
}

function newKeyPair(spec: Spec, name: string): KeyPairKeyObjectResult {
  switch (spec.algorithm ?? 'rsa') {
    case 'rsa':
      return generateKeyPairSync('rsa', { modulusLength: Math.max(spec.minBits ?? MIN_RSA_BITS, MIN_RSA_BITS) });
    case 'ec': {
      const curve = fakeCurve(spec);
      if (curve === undefined) throw fakeUnavailable(name, 'no supported curve meets minBits');
      return generateKeyPairSync('ec', { namedCurve: CURVES[curve].name });
    }
    case 'ed25519':
      return generateKeyPairSync('ed25519');
  }
}

/** PEM private keys; fakes are fresh PKCS#8 keys (rsa at least 2048 bits, ec on P-256 by default). */
export const privateKeyType: TypeDef<Spec> = {
  checkOptions(spec) {
    const algorithm = spec.algorithm ?? 'rsa';
    const problems: string[] = [];
    if (spec.curve !== undefined && algorithm !== 'ec') problems.push('curve requires algorithm ec');
    if (spec.minBits !== undefined && algorithm === 'ed25519') problems.push('minBits does not apply to ed25519 keys');
    if (algorithm === 'rsa' && (spec.minBits ?? 0) > MAX_RSA_BITS) {
      problems.push(`minBits must be at most ${MAX_RSA_BITS} for rsa, so a fake key can be generated`);
    }
    if (algorithm === 'ec' && fakeCurve(spec) === undefined) {
      const tooBig = spec.curve === undefined ? 'every supported curve' : `curve ${spec.curve}`;
      problems.push(`minBits exceeds ${tooBig}`);
    }
    return problems;
  },
  valueChecks: (spec) => [
    z.superRefine((value: string, context) => {
      const problem = keyProblem(spec, value);
      if (problem !== undefined) context.addIssue({ code: 'custom', message: problem, abort: true });
    }),
  ],
  fake(spec, _random, name) {
    return newKeyPair(spec, name).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  },
};
