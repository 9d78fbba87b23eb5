/**
 * `jwt`: a JSON Web Token in compact form (RFC 7519), `header.payload.signature`, each part
 * canonical base64url without padding, header and payload JSON objects. The manifest fixes
 * the HMAC algorithm (`alg`, HS256 by default), claims with exact values (`claims`, e.g. a
 * Supabase key's `"role": "anon"`), claims that must be there (`requiredClaims`), and may
 * name the variable whose value is the signing key (`signedWith`).
 *
 * A value is judged alone here: its shape, header, claims and signature length. Whether it
 * is signed with `signedWith`'s value needs both values, so `evaluateValues` checks that
 * (see {@link isSignedWith}). Time claims (`exp`, `nbf`) are not judged: a check that
 * depends on the clock would make the same store valid one day and not the next.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { LOWER_ALNUM, type FakeRandom } from '../fake-random.js';
import type { SpecOf } from '../manifest-schema.js';
import { fakeUnavailable, rule, type TypeDef, type ValueCheck } from './type-def.js';

type Spec = SpecOf<'jwt'>;
type Algorithm = NonNullable<Spec['alg']>;

const HASHES: Record<Algorithm, { hash: string; bytes: number }> = {
  HS256: { hash: 'sha256', bytes: 32 },
  HS384: { hash: 'sha384', bytes: 48 },
  HS512: { hash: 'sha512', bytes: 64 },
};

/** The claim fakes carry so that a fake found anywhere, decoded, says what it is. */
const MARKER_CLAIM = 'devsecrets';
/** 2024-01-01T00:00:00Z: fakes are issued some time in 2024, reproducibly from the seed. */
const FAKE_ISSUED_FROM = 1_704_067_200;
const SECONDS_IN_YEAR = 31_536_000;
/** 2037-12-31T00:00:00Z: far enough to outlive any store, and still a 32-bit time. */
const FAKE_EXPIRES_AT = 2_145_830_400;
const TIME_CLAIMS = new Set(['iat', 'nbf', 'auth_time']);

/** A token split into its parts; undefined unless it is three canonical base64url parts with JSON-object header and payload. */
export interface JwtParts {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** `header.payload` as written: what the signature covers. */
  signingInput: string;
  signature: Buffer;
}

function decodePart(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  // Re-encoding reproduces the text only if it was canonical: no padding, no spare bits set.
  return bytes.toString('base64url') === text ? bytes : undefined;
}

function decodeObject(text: string): Record<string, unknown> | undefined {
  const bytes = decodePart(text);
  if (bytes === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Splits and decodes a compact JWT; undefined when it is not one. */
export function parseJwt(text: string): JwtParts | undefined {
  const parts = text.split('.');
  if (parts.length !== 3) return undefined;
  const [head, body, tail] = parts as [string, string, string];
  const header = decodeObject(head);
  const payload = decodeObject(body);
  const signature = decodePart(tail);
  if (header === undefined || payload === undefined || signature === undefined || signature.length === 0) return undefined;
  return { header, payload, signingInput: `${head}.${body}`, signature };
}

/** Whether `alg` names an algorithm of the `jwt` type (HS256, HS384, HS512). */
export function isJwtAlgorithm(alg: unknown): alg is Algorithm {
  return typeof alg === 'string' && Object.hasOwn(HASHES, alg);
}

function sign(alg: Algorithm, key: string | Buffer, signingInput: string): Buffer {
  return createHmac(HASHES[alg].hash, key).update(signingInput).digest();
}

/**
 * Whether `token` carries a valid `alg` signature under `key` (a variable's value, as its
 * UTF-8 bytes: how Supabase, GoTrue and PostgREST use `JWT_SECRET`); compared in constant
 * time. False for anything that is not a JWT.
 */
export function isSignedWith(token: string, key: string, alg: Algorithm): boolean {
  const parts = parseJwt(token);
  if (parts === undefined || parts.header.alg !== alg) return false;
  const expected = sign(alg, key, parts.signingInput);
  return parts.signature.length === expected.length && timingSafeEqual(parts.signature, expected);
}

function claimRule(check: (payload: Record<string, unknown>) => boolean, reason: string): ValueCheck {
  return rule((value) => {
    const parts = parseJwt(value);
    return parts !== undefined && check(parts.payload);
  }, reason);
}

/** A value for a required claim the manifest does not fix: times in range, anything else marked text. */
function claimFiller(claim: string, random: FakeRandom): string | number {
  if (TIME_CLAIMS.has(claim)) return FAKE_ISSUED_FROM + random.intBetween(0, SECONDS_IN_YEAR - 1);
  if (claim === 'exp') return FAKE_EXPIRES_AT;
  return `fake-${random.chars(LOWER_ALNUM, 8)}`;
}

function encodeObject(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/**
 * JWTs; fakes are real HS256/384/512 tokens: header `{"alg","typ":"JWT"}`, a payload of the
 * fixed claims, the required ones (`iat`/`nbf` in 2024, `exp` at the end of 2037, others
 * `fake-…`) and `"devsecrets": "fake"`, signed with `signedWith`'s value, else with a random
 * key nobody holds.
 */
export const jwtType: TypeDef<Spec> = {
  checkOptions(spec) {
    const names = [...Object.keys(spec.claims ?? {}), ...(spec.requiredClaims ?? [])];
    return names.includes('') ? ['claims must not have an empty name'] : [];
  },
  valueChecks(spec) {
    const alg = spec.alg ?? 'HS256';
    return [
      rule((value) => parseJwt(value) !== undefined, 'must be a JWT: three base64url parts, a JSON header and payload, and a signature'),
      rule((value) => parseJwt(value)?.header.alg === alg, `must be signed with ${alg}`),
      rule((value) => parseJwt(value)?.signature.length === HASHES[alg].bytes, `must carry a ${alg} signature of ${HASHES[alg].bytes} bytes`),
      ...Object.entries(spec.claims ?? {}).map(([claim, expected]) =>
        claimRule((payload) => payload[claim] === expected, `must have the claim ${claim} = ${JSON.stringify(expected)}`),
      ),
      ...(spec.requiredClaims ?? []).map((claim) => claimRule((payload) => Object.hasOwn(payload, claim), `must have the claim ${claim}`)),
    ];
  },
  fake(spec, random, name, sibling) {
    const alg = spec.alg ?? 'HS256';
    let key: string | Buffer;
    if (spec.signedWith === undefined) {
      key = random.bytes(HASHES[alg].bytes);
    } else {
      const signer = sibling(spec.signedWith);
      if (signer === undefined) throw fakeUnavailable(name, `cannot sign it: ${spec.signedWith} has no value yet`);
      key = signer;
    }
    const payload: Record<string, unknown> = { ...spec.claims };
    for (const claim of spec.requiredClaims ?? []) if (!Object.hasOwn(payload, claim)) payload[claim] = claimFiller(claim, random);
    if (!Object.hasOwn(payload, MARKER_CLAIM)) payload[MARKER_CLAIM] = 'fake';
    const signingInput = `${encodeObject({ alg, typ: 'JWT' })}.${encodeObject(payload)}`;
    return `${signingInput}.${sign(alg, key, signingInput).toString('base64url')}`;
  },
};
