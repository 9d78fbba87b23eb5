/**
 * The manifest's shape as one zod/mini definition. It is the single source for three
 * things: the TypeScript types below, structural validation of `devsecrets.json`, and
 * the published `manifest.schema.json` (see `manifestJsonSchema`).
 *
 * zod/mini rather than classic zod: it tree-shakes, so `devsecrets run` pays only for
 * the checks it uses.
 */
import * as z from 'zod/mini';
import { DURATION_RE, DURATION_REASON } from './duration-text.js';

const common = {
  secret: z.optional(z.boolean()),
  required: z.optional(z.boolean()),
  description: z.optional(z.string()),
  example: z.optional(z.unknown()),
  // Declares a loader-control variable (LD_PRELOAD, NODE_OPTIONS, …) on purpose; only
  // those may carry it (see loader-control.ts and the manifest's semantic checks).
  loaderControl: z.optional(z.boolean()),
  // `false`: devsecrets never makes a value for this optional variable, so a child gets one
  // only when a person sets it or the environment has it, and the app keeps its own default
  // otherwise. Only on `"required": false` (see the manifest's semantic checks).
  fake: z.optional(z.boolean()),
};

const nonNegativeInt = z.int().check(z.nonnegative());
// A value's length has to end somewhere: 64 KiB is far beyond any key or token, and a fake of
// a billion characters (a typo) would hang init. A program gets no variable of 128 KiB anyway.
const MAX_VALUE_LENGTH = 65_536;
const valueLength = z.int().check(z.positive(), z.lte(MAX_VALUE_LENGTH));
// RSA keys of 16,384 bits already take minutes to make; nothing asks for more.
const MAX_KEY_BITS = 16_384;
const stringList = z.array(z.string()).check(z.minLength(1));

const duration = z.string().check(z.regex(DURATION_RE, DURATION_REASON));

/** Names follow POSIX environment variable rules: letters, digits, underscore, no leading digit. */
export const VAR_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The JWT algorithms devsecrets signs fakes with: HMAC, keyed by another variable's value. */
const JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;

const specs = [
  z.strictObject({
    type: z.literal('string'),
    ...common,
    default: z.optional(z.string()),
    minLength: z.optional(nonNegativeInt.check(z.lte(MAX_VALUE_LENGTH))),
    maxLength: z.optional(nonNegativeInt),
    pattern: z.optional(z.string()),
  }),
  z.strictObject({
    type: z.literal('int'),
    ...common,
    default: z.optional(z.int()),
    min: z.optional(z.int()),
    max: z.optional(z.int()),
  }),
  z.strictObject({
    type: z.literal('number'),
    ...common,
    default: z.optional(z.number()),
    min: z.optional(z.number()),
    max: z.optional(z.number()),
  }),
  z.strictObject({ type: z.literal('bool'), ...common, default: z.optional(z.boolean()) }),
  z.strictObject({ type: z.literal('port'), ...common, default: z.optional(z.int()) }),
  z.strictObject({ type: z.literal('enum'), ...common, default: z.optional(z.string()), values: stringList }),
  z.strictObject({
    type: z.literal('url'),
    ...common,
    default: z.optional(z.string()),
    protocols: z.optional(stringList),
    params: z.optional(z.record(z.string(), z.string())),
    host: z.optional(stringList),
    // A comma-separated list of such urls (`ADDITIONAL_REDIRECT_URLS`, CORS origins).
    list: z.optional(z.boolean()),
  }),
  z.strictObject({ type: z.literal('email'), ...common, default: z.optional(z.string()) }),
  z.strictObject({
    type: z.literal('hostname'),
    ...common,
    default: z.optional(z.string()),
    // Also accepts one leading dot: a cookie domain (`.example.com`) covering every subdomain.
    leadingDot: z.optional(z.boolean()),
  }),
  z.strictObject({ type: z.literal('uuid'), ...common, default: z.optional(z.string()) }),
  z.strictObject({
    type: z.literal('duration'),
    ...common,
    default: z.optional(duration),
    min: z.optional(duration),
    max: z.optional(duration),
  }),
  z.strictObject({
    type: z.literal('token'),
    ...common,
    default: z.optional(z.string()),
    prefix: z.optional(z.string()),
    length: z.optional(valueLength),
    charset: z.optional(z.enum(['alnum', 'hex', 'base64url'])),
  }),
  z.strictObject({
    type: z.literal('bytes'),
    ...common,
    default: z.optional(z.string()),
    encoding: z.optional(z.enum(['hex', 'base64', 'base64url'])),
    length: z.optional(valueLength),
  }),
  z.strictObject({
    type: z.literal('private-key'),
    ...common,
    default: z.optional(z.string()),
    algorithm: z.optional(z.enum(['rsa', 'ec', 'ed25519'])),
    minBits: z.optional(z.int().check(z.positive(), z.lte(MAX_KEY_BITS))),
    curve: z.optional(z.enum(['P-256', 'P-384', 'P-521'])),
  }),
  z.strictObject({ type: z.literal('json'), ...common, default: z.optional(z.unknown()) }),
  z.strictObject({
    type: z.literal('jwt'),
    ...common,
    default: z.optional(z.string()),
    alg: z.optional(z.enum(JWT_ALGORITHMS)),
    // Claims the payload must carry with exactly these values (`"role": "anon"`).
    claims: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()], { error: 'must be a string, a number, true or false' }))),
    // Claims the payload must carry, whatever their value (`iat`, `exp`).
    requiredClaims: z.optional(stringList),
    // The variable whose value is the HMAC key the token is signed with (`JWT_SECRET`).
    signedWith: z.optional(z.string().check(z.regex(VAR_NAME_RE, 'must be a variable name'))),
  }),
] as const;

/** Every variable type the manifest knows, in the order the README documents them. */
export const VAR_TYPES = specs.map((spec) => spec.shape.type.def.values[0]) as VarType[];

export const varSpecSchema = z.discriminatedUnion('type', [...specs]);

export const manifestSchema = z.strictObject({
  $schema: z.optional(z.string()),
  version: z.optional(nonNegativeInt),
  ttl: z.optional(duration),
  forbid: z.optional(z.array(z.string())),
  vars: z.record(z.string().check(z.regex(VAR_NAME_RE, 'must be a valid environment variable name')), varSpecSchema),
});

export type VarSpec = z.infer<typeof varSpecSchema>;
export type VarType = VarSpec['type'];
export type ManifestDocument = z.infer<typeof manifestSchema>;
/** The spec of one variable type, e.g. `SpecOf<'url'>`. */
export type SpecOf<T extends VarType> = Extract<VarSpec, { type: T }>;
