/**
 * A first manifest inferred from an example dotenv file (`init --from .env.example`), and
 * why each variable got its spec, for the person who reviews it before committing.
 *
 * Evidence, strongest first: the example's value when it is a real one, the comment block
 * above the variable and after its value (`openssl rand -base64 32`, "at least 32
 * characters", "set to '1'", "Available options: a | b"), assignments commented out
 * elsewhere in the file (`# NAME=value`: the form of `NAME`'s value, never a default), and
 * the name (`*_URL`, `*_PORT`, `*_HOST`, `NEXT_PUBLIC_*`, `*_PASSWORD`). Whatever a
 * variable becomes, the manifest accepts its example's real value: a rule whose type would
 * refuse it gives way to the next one.
 *
 * Placeholders (see `infer/placeholders.ts`) show at most the form of a value (a URL's
 * scheme, an address, a leading dot) and never become a default, a token prefix, a length
 * or an alphabet. Example values of secrets never reach the manifest at all (they are
 * sometimes real); those of other variables become defaults. An empty non-secret value
 * means the app has its own default: the variable is `"required": false, "fake": false`,
 * so devsecrets gives the child nothing for it. An empty secret gets a fake.
 *
 * A loader-control variable (`NODE_OPTIONS`, `LD_PRELOAD`, …) is declared on purpose
 * (`"loaderControl": true`): the team committed it to its example file, so the app needs
 * it, and leaving it out would lose it silently. It gets no fake, so the example's value
 * becomes its default, and an empty one makes it optional. Its name says what it does, not
 * that it is secret (`GIT_ASKPASS` holds a command, not a password).
 */
import type { AnnotatedDotenv, AnnotatedDotenvEntry } from './dotenv.js';
import { DURATION_RE } from './duration-text.js';
import { readHints, type Hints } from './infer/hints.js';
import { isPasswordName, isSwitchName, nameRuleOf, publicPrefixOf, secretSegmentOf } from './infer/names.js';
import { placeholderOf, type Placeholder } from './infer/placeholders.js';
import { findLiveCredential, PRIVATE_KEY_PEM } from './insecure.js';
import { isLoaderControl } from './loader-control.js';
import { getsFake } from './seed-store.js';
import { specFromComments } from './spec-comment.js';
import type { ManifestDocument, VarSpec } from './manifest-schema.js';
import { compileValidator, isJwtAlgorithm, isSignedWith, parseJwt } from './types/index.js';

/** One inferred variable: its spec, and the rules that decided it (names, comments, forms; never a value). */
export interface InferredVar {
  name: string;
  spec: VarSpec;
  reasons: string[];
}

/** The inferred manifest, and what the report says of each variable. */
export interface Inference {
  document: ManifestDocument;
  /** In file order, as in `document.vars`. */
  vars: InferredVar[];
}

/**
 * Infers a manifest from an example file read by `parseDotenvAnnotated` (the last
 * definition of a name wins, at the place of its first). Pure: the same file always gives
 * the same manifest.
 */
export function inferManifest(file: AnnotatedDotenv, schemaRef: string): Inference {
  const entries = new Map<string, AnnotatedDotenvEntry>();
  for (const entry of file.entries) entries.set(entry.name, entry);
  const commented = new Map<string, string[]>();
  for (const { name, value } of file.commented) commented.set(name, [...(commented.get(name) ?? []), value]);
  const vars = [...entries.values()].map((entry) => inferVar(entry, commented.get(entry.name) ?? []));
  linkSignatures(vars, entries);
  return { document: { $schema: schemaRef, version: 1, ttl: '30d', vars: Object.fromEntries(vars.map(({ name, spec }) => [name, spec])) }, vars };
}

/** What is known of one variable's value. */
interface Evidence {
  name: string;
  /** The example's value, whatever it is. */
  example: string;
  /** The example's value when it is a real one. */
  real: string | undefined;
  /** The example's value, placeholder or not, and the values of its commented-out assignments: forms only. */
  forms: string[];
  /** Real values of its commented-out assignments, when the live one has none: types, never defaults. */
  commentedReal: string[];
  placeholder: Placeholder | undefined;
  hints: Hints;
  /** A length said by the comment, else by the placeholder's own words. */
  length: { exact?: number; min?: number; source: string } | undefined;
}

interface Guess {
  spec: VarSpec;
  reasons: string[];
  /** A URL that carries credentials in production (a database or broker, or a password in it). */
  credentials?: boolean;
}

function inferVar(entry: AnnotatedDotenvEntry, commentedValues: readonly string[]): InferredVar {
  const { name, value } = entry;
  // A `# devsecrets:` line (as `devsecrets schema --format env-example` writes) is the spec, exactly.
  const specified = specFromComments(name, entry.comment);
  if (specified !== undefined) return { name, spec: specified, reasons: ['comment: a # devsecrets: spec line'] };
  const comment = entry.inlineComment === undefined ? entry.comment : [...entry.comment, entry.inlineComment];
  const description = comment.filter((line) => line !== '').join(' ').trim();
  const described = <S extends VarSpec>(spec: S): S => (description === '' ? spec : { ...spec, description });
  if (isLoaderControl(name)) return loaderControlVar(name, value, described);

  const placeholder = placeholderOf(name, value);
  const real = placeholder === undefined ? value : undefined;
  const hints = readHints(comment);
  // A placeholder's words may say how long the value is: `your-32-character-encryption-key`.
  const placeholderLength = placeholder?.kind === 'placeholder' ? readHints([value.replace(/[-_]+/g, ' ')], true).length : undefined;
  let length: Evidence['length'];
  if (hints.length !== undefined) length = { ...hints.length, source: `comment: ${hints.length.source}` };
  else if (placeholderLength !== undefined) length = { ...placeholderLength, source: `placeholder: ${placeholderLength.source}` };
  const evidence: Evidence = {
    name,
    example: value,
    real,
    forms: [value, ...commentedValues].filter((form) => placeholderOf(name, form)?.kind !== 'empty'),
    commentedReal: real === undefined ? commentedValues.filter((form) => placeholderOf(name, form) === undefined) : [],
    placeholder,
    hints,
    length,
  };
  const guess = guessType(evidence);
  const reasons = [...(placeholder === undefined ? [] : [`value: ${placeholder.rule}`]), ...guess.reasons];

  const publicPrefix = publicPrefixOf(name);
  const secretSegment = secretSegmentOf(name);
  const credentialValue = evidence.forms.some((form) => PRIVATE_KEY_PEM.test(form) || hasUrlCredentials(form) || findLiveCredential(form) !== undefined);
  let secret = false;
  if (publicPrefix !== undefined) {
    reasons.push(`name: ${publicPrefix} ships to browsers, never secret`);
  } else if (secretSegment !== undefined || guess.credentials === true || credentialValue || guess.spec.type === 'private-key' || guess.spec.type === 'jwt') {
    secret = true;
    if (secretSegment !== undefined) reasons.push(`name: *_${secretSegment}* is secret`);
    else if (credentialValue) reasons.push('value: holds a credential');
  }

  let spec: VarSpec = guess.spec;
  if (secret) spec = { ...spec, secret: true };
  else if (placeholder?.kind === 'empty') spec = { ...spec, required: false, fake: false };
  else if (real !== undefined && accepts(spec, real)) spec = { ...spec, default: defaultValue(spec, real) } as VarSpec;
  return { name, spec: described(spec), reasons };
}

function loaderControlVar(name: string, example: string, described: <S extends VarSpec>(spec: S) => S): InferredVar {
  const reasons = ['name: loader-control, declared on purpose'];
  const { type } = guessValueType(name, example) ?? { type: 'string' };
  const spec = { type, loaderControl: true } as VarSpec;
  if (example === '') return { name, spec: described({ ...spec, required: false }), reasons };
  // The guess is looser than the type's own checks (a number too large for an int, say): what they refuse stays text.
  if (!accepts(spec, example)) return { name, spec: described({ type: 'string', loaderControl: true, default: example }), reasons };
  return { name, spec: described({ ...spec, default: defaultValue(spec, example) } as VarSpec), reasons };
}

/** The first rule that fits, strongest evidence first (see the module comment). */
function guessType(evidence: Evidence): Guess {
  const { name, real, forms, hints, length } = evidence;
  const fits = (spec: VarSpec): boolean => real === undefined || accepts(spec, real);
  const nameRule = nameRuleOf(name);

  if (forms.some((form) => PRIVATE_KEY_PEM.test(form))) return { spec: { type: 'private-key' }, reasons: ['value: PEM private key'] };
  if (nameRule !== undefined && (nameRule.spec.type === 'bytes' || nameRule.spec.type === 'private-key') && fits(nameRule.spec)) {
    return { spec: nameRule.spec, reasons: [nameRule.rule] };
  }
  const jwt = jwtGuess(forms);
  if (jwt !== undefined && fits(jwt.spec)) return jwt;
  if (hints.generator !== undefined) {
    const spec: VarSpec = { type: 'bytes', encoding: hints.generator.encoding, length: hints.generator.length };
    if (fits(spec)) return { spec, reasons: [`comment: ${hints.generator.source}`] };
  }
  const choice = optionsGuess(evidence) ?? switchGuess(evidence);
  if (choice !== undefined) return choice;

  const sample = real ?? evidence.commentedReal[0];
  const valueType = sample === undefined ? undefined : guessValueType(name, sample);
  if (valueType !== undefined && fits(valueType)) return { spec: valueType, reasons: [`value: ${valueType.type}`] };

  const url = urlGuess(evidence, nameRule);
  if (url !== undefined && fits(url.spec)) return url;
  const email = emailGuess(evidence, nameRule);
  if (email !== undefined) return email;
  if (nameRule !== undefined && (nameRule.spec.type === 'port' || nameRule.spec.type === 'hostname')) {
    const leadingDot = nameRule.spec.type === 'hostname' && forms.some((form) => form.startsWith('.'));
    const spec: VarSpec = leadingDot ? { type: 'hostname', leadingDot: true } : nameRule.spec;
    if (fits(spec)) return { spec, reasons: [nameRule.rule, ...(leadingDot ? ['value: a leading dot (cookie domain)'] : [])] };
  }
  if (sample !== undefined && isJsonDocument(sample)) return { spec: { type: 'json' }, reasons: ['value: json'] };

  const password = isPasswordName(name);
  if (length !== undefined) {
    const lengthGuess = lengthSpec(length, password);
    if (fits(lengthGuess)) return { spec: lengthGuess, reasons: [length.source] };
  }
  const keyLike = secretSegmentOf(name) !== undefined || /(?:^|_)KEY$/i.test(name);
  if (real !== undefined && keyLike && !password) {
    const shaped = secretShape(real, /(?:^|_)TOKEN$/i.test(name));
    if (shaped !== undefined) return shaped;
  }
  if (password) return { spec: { type: 'string' }, reasons: ['name: a password (any characters)'] };
  if (keyLike && real === undefined) return { spec: { type: 'token', charset: 'base64url' }, reasons: ['name: a key or token'] };
  return { spec: { type: 'string' }, reasons: real === undefined ? [] : ['value: text'] };
}

/** Types read off one value alone: numbers, ports, durations, uuids. */
function guessValueType(name: string, value: string): VarSpec | undefined {
  if (value === 'true' || value === 'false') return { type: 'bool' };
  if (/^(?:0|[1-9]\d*)$/.test(value)) return /(?:^|_)PORT$/i.test(name) && Number(value) <= 65535 ? { type: 'port' } : { type: 'int' };
  if (/^-?(?:0|[1-9]\d*)\.\d+$/.test(value)) return { type: 'number' };
  if (DURATION_RE.test(value)) return { type: 'duration' };
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) return { type: 'uuid' };
  return undefined;
}

/** A JWT example: its HMAC algorithm, its `role` fixed (PostgREST and Supabase switch database role on it), its other claims required. */
function jwtGuess(forms: readonly string[]): Guess | undefined {
  for (const form of forms) {
    const parts = parseJwt(form);
    if (parts === undefined) continue;
    if (!isJwtAlgorithm(parts.header.alg)) return { spec: { type: 'string' }, reasons: ['value: a JWT not signed with HMAC (HS256/384/512)'] };
    const { role, ...others } = parts.payload;
    const requiredClaims = Object.keys(others);
    const spec: VarSpec = {
      type: 'jwt',
      alg: parts.header.alg,
      ...(typeof role === 'string' ? { claims: { role } } : {}),
      ...(requiredClaims.length > 0 ? { requiredClaims } : {}),
    };
    return { spec, reasons: [`value: ${parts.header.alg} JWT`] };
  }
  return undefined;
}

/** The spellings of on and off that apps read; `true`/`false` is the `bool` type, the others an enum of the pair. */
const SWITCH_PAIRS = [['True', 'False'], ['TRUE', 'FALSE'], ['yes', 'no'], ['Yes', 'No'], ['enabled', 'disabled'], ['on', 'off']] as const;

/** On/off: a pair's spelling in the value or a commented example, a 0/1 switch, or a comment saying so. */
function switchGuess({ name, real, forms, hints, placeholder }: Evidence): Guess | undefined {
  const seen = real === undefined ? forms : [real];
  if (seen.some((form) => form === 'true' || form === 'false')) return { spec: { type: 'bool' }, reasons: [real === undefined ? 'commented example: true/false' : 'value: true/false'] };
  for (const pair of SWITCH_PAIRS) {
    if (seen.some((form) => (pair as readonly string[]).includes(form))) {
      return { spec: { type: 'enum', values: [...pair] }, reasons: [`${real === undefined ? 'commented example' : 'value'}: an on/off word`] };
    }
  }
  const open = real === undefined && placeholder?.kind === 'empty';
  if (real === '0' || real === '1' || open) {
    if (hints.flag?.on === '1' || (real !== undefined && isSwitchName(name))) {
      return { spec: { type: 'enum', values: ['0', '1'] }, reasons: [hints.flag === undefined ? 'name: a switch' : `comment: ${hints.flag.source}`] };
    }
  }
  if (open && (hints.flag?.on === 'true' || hints.bool !== undefined)) return { spec: { type: 'bool' }, reasons: [`comment: ${hints.flag?.source ?? hints.bool!.source}`] };
  return undefined;
}

/** "Available options: local (default) | gcloud-hsm" and the like, when the example's value is one of them (or empty). */
function optionsGuess({ real, hints, placeholder }: Evidence): Guess | undefined {
  const options = hints.options;
  if (options === undefined) return undefined;
  if (real === undefined ? placeholder?.kind !== 'empty' : !options.values.includes(real)) return undefined;
  return { spec: { type: 'enum', values: options.values }, reasons: [`comment: ${options.source}`] };
}

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
/** Schemes that stand for one another: a dev example shows `http`, production uses `https`. */
const SCHEME_FAMILIES: readonly string[][] = [['https', 'http'], ['wss', 'ws'], ['postgresql', 'postgres'], ['redis', 'rediss'], ['amqp', 'amqps'], ['mongodb', 'mongodb+srv']];
/** Database and broker schemes, whose production URLs carry a password. */
const CREDENTIAL_SCHEMES = new Set(['postgresql', 'postgres', 'mysql', 'mariadb', 'mongodb', 'mongodb+srv', 'redis', 'rediss', 'amqp', 'amqps']);

function schemeFamily(scheme: string): string[] {
  return SCHEME_FAMILIES.find((family) => family.includes(scheme)) ?? [scheme];
}

/** A URL with a user and password in it (`postgres://app:pw@db/app`, `smtps://me@host.test:pw@smtp…`), anywhere in the text. */
function hasUrlCredentials(text: string): boolean {
  return /[a-z][a-z0-9+.-]*:\/\/[^\s/:]+:[^\s/@]+@/i.test(text);
}

/**
 * A url: from the example or a commented one (with the schemes it shows, in their
 * families), a comma-separated list of urls, or the name (`*_URL`, `*_URLS`, database names).
 */
function urlGuess({ example, real, forms }: Evidence, nameRule: ReturnType<typeof nameRuleOf>): Guess | undefined {
  const nameUrl = nameRule?.spec.type === 'url' ? nameRule : undefined;
  if (real !== undefined && !SCHEME.test(real) && nameUrl === undefined) return undefined;
  const items = forms.flatMap((form) => form.split(',')).filter((item) => SCHEME.test(item));
  if (items.length === 0 && nameUrl === undefined) return undefined;
  const list = (nameUrl?.spec.type === 'url' && nameUrl.spec.list === true) || (real !== undefined && real.includes(',') && real.split(',').every((item) => SCHEME.test(item)));
  const schemes = [...new Set(items.flatMap((item) => schemeFamily(SCHEME.exec(item)![1]!.toLowerCase())))];
  const protocols = schemes.length > 0 ? schemes : nameUrl?.spec.type === 'url' ? nameUrl.spec.protocols : undefined;
  // A required sslmode is form even in a placeholder (`postgresql://app:changeme@db/app?sslmode=require`).
  const sslmode = list ? null : (/^[a-z][a-z0-9+.-]*:\/\/[^?#]*\?(?:[^#]*&)?sslmode=([a-z-]+)(?:[&#]|$)/i.exec(example)?.[1] ?? null);
  const spec: VarSpec = {
    type: 'url',
    ...(protocols === undefined ? {} : { protocols }),
    ...(sslmode !== null && sslmode !== 'disable' ? { params: { sslmode } } : {}),
    ...(list ? { list: true } : {}),
  };
  const reasons = [
    ...(items.length > 0 ? [real !== undefined && SCHEME.test(real) ? `value: ${list ? 'a list of urls' : 'url'}` : 'form: url'] : []),
    ...(nameUrl === undefined ? [] : [nameUrl.rule]),
  ];
  const credentials = nameUrl?.credentials === true || (protocols ?? []).some((scheme) => CREDENTIAL_SCHEMES.has(scheme)) || forms.some(hasUrlCredentials);
  return { spec, reasons, credentials };
}

/** An address: the example's value (real or on an example domain), a commented one, or an `*_EMAIL` name. */
function emailGuess({ real, forms }: Evidence, nameRule: ReturnType<typeof nameRuleOf>): Guess | undefined {
  const spec: VarSpec = { type: 'email' };
  if (real !== undefined) return accepts(spec, real) ? { spec, reasons: ['value: email'] } : undefined;
  if (forms.some((form) => accepts(spec, form))) return { spec, reasons: ['form: email'] };
  return nameRule?.spec.type === 'email' ? { spec, reasons: [nameRule.rule] } : undefined;
}

/** "32 characters" a key of that many letters and digits (a password: text of that length); "at least 32" text at least that long. */
function lengthSpec(length: { exact?: number; min?: number }, password: boolean): VarSpec {
  if (length.exact !== undefined) return password ? { type: 'string', minLength: length.exact, maxLength: length.exact } : { type: 'token', length: length.exact };
  return { type: 'string', minLength: length.min };
}

/**
 * The form of a real key or token: hex (a token of that length if the name says token,
 * else key bytes), padded or `+`/`/` base64 (key bytes), a vendor prefix (`sk_test_`,
 * `sk-proj-`, `xoxb-`, `github_pat_`) with the alphabet after it, or 16+ letters and digits;
 * short or other text stays text. A live prefix stays as written, and a Stripe-style test
 * prefix becomes its live spelling: the manifest describes production, and the local side
 * reads it in its test spelling, so fakes never look live.
 */
function secretShape(value: string, tokenNamed: boolean): Guess | undefined {
  if (/^(?:[0-9a-f]{2}){8,}$/.test(value) || /^(?:[0-9A-F]{2}){8,}$/.test(value)) {
    if (tokenNamed && /^[0-9a-f]+$/.test(value)) return { ...tokenOf(value, ''), reasons: ['value: hex token'] };
    return { spec: { type: 'bytes', encoding: 'hex', length: value.length / 2 }, reasons: ['value: hex key'] };
  }
  if (value.length >= 16 && /[+/=]/.test(value) && Buffer.from(value, 'base64').toString('base64') === value) {
    return { spec: { type: 'bytes', encoding: 'base64', length: Buffer.from(value, 'base64').length }, reasons: ['value: base64 key'] };
  }
  const prefixed = /^((?:[a-z][a-z0-9]{1,9}[_-]){1,3})([A-Za-z0-9_-]+)$/.exec(value);
  if (prefixed !== null && /[A-Z0-9]/.test(prefixed[2]!)) {
    const live = liveSpelling(prefixed[1]!);
    return { ...tokenOf(prefixed[2]!, live ?? prefixed[1]!), reasons: [live === undefined ? 'value: vendor prefix' : 'value: vendor prefix, in its live spelling (production is live; fakes keep the test one)'] };
  }
  if (/^[A-Za-z0-9_-]{16,}$/.test(value)) return { ...tokenOf(value, ''), reasons: ['value: token'] };
  return undefined;
}

/**
 * Stripe-style keys (`sk_test_`, `rk_test_`, `pk_test_`) come in a live spelling that
 * production uses: the manifest describes production, and the local side reads it back in
 * the test spelling. Other prefixes have no known live twin.
 */
function liveSpelling(prefix: string): string | undefined {
  return /^[srp]k_test_$/.test(prefix) ? prefix.replace('_test_', '_live_') : undefined;
}

function tokenOf(body: string, prefix: string): { spec: VarSpec } {
  const charset = /^[0-9a-f]+$/.test(body) ? 'hex' : /^[A-Za-z0-9]+$/.test(body) ? 'alnum' : 'base64url';
  const shape = prefix === '' ? {} : { prefix };
  if (body.length < 16) return { spec: { type: 'token', ...shape, ...(charset === 'base64url' ? { charset } : {}) } };
  return { spec: { type: 'token', ...shape, length: prefix.length + body.length, ...(charset === 'alnum' ? {} : { charset }) } };
}

function isJsonDocument(example: string): boolean {
  if (!/^\s*[[{]/.test(example)) return false;
  try {
    JSON.parse(example);
    return true;
  } catch {
    return false;
  }
}

function accepts(spec: VarSpec, value: string): boolean {
  return compileValidator(spec)(value) === undefined;
}

function defaultValue(spec: VarSpec, example: string): string | number | boolean {
  if (spec.type === 'bool') return example === 'true';
  if (spec.type === 'int' || spec.type === 'port' || spec.type === 'number') return Number(example);
  return example;
}

/**
 * Names the variable each `jwt` is signed with: one whose example value verifies the
 * example token's signature, else the file's one `JWT_SECRET` (or `*_JWT_SECRET`) when its
 * example is empty or a placeholder (nothing to verify with). Only a variable that gets a
 * fake can sign, and only a token without a default (a public one, whose example is its
 * fake) can be signed again.
 */
function linkSignatures(vars: InferredVar[], entries: ReadonlyMap<string, AnnotatedDotenvEntry>): void {
  const signers = vars.filter(({ name, spec }) => spec.type !== 'jwt' && getsFake(name, spec));
  for (const inferred of vars) {
    const { spec } = inferred;
    if (spec.type !== 'jwt' || spec.default !== undefined) continue;
    const token = entries.get(inferred.name)!.value;
    const alg = spec.alg ?? 'HS256';
    const verified = signers.find(({ name }) => {
      const key = entries.get(name)!.value;
      return key !== '' && isSignedWith(token, key, alg);
    });
    const named = signers.filter(({ name }) => /(?:^|_)JWT_SECRET$/i.test(name));
    const byName = named.length === 1 && placeholderOf(named[0]!.name, entries.get(named[0]!.name)!.value) !== undefined ? named[0] : undefined;
    const signer = verified ?? byName;
    if (signer === undefined) continue;
    inferred.spec = { ...spec, signedWith: signer.name };
    inferred.reasons.push(verified === undefined ? `name: signed with ${signer.name}` : `value: signed with ${signer.name}'s example`);
  }
}

/**
 * The spec in a few words, as the `init --from` report shows it: the type and its options,
 * never a value (an enum says how many values it has, a default only that there is one).
 */
export function summarizeSpec(spec: VarSpec): string {
  const options = ((): string[] => {
    switch (spec.type) {
      case 'url':
        return [...(spec.protocols === undefined ? [] : [spec.protocols.join('|')]), ...Object.keys(spec.params ?? {}).map((key) => `${key}=${spec.params![key]}`)];
      case 'bytes':
        return [String(spec.length ?? 32), spec.encoding ?? 'base64'];
      case 'token':
        return [...(spec.prefix === undefined ? [] : [`prefix ${spec.prefix}`]), ...(spec.length === undefined ? [] : [`${spec.length} chars`]), spec.charset ?? 'alnum'];
      case 'string':
        return spec.minLength !== undefined && spec.minLength === spec.maxLength ? [`${spec.minLength} chars`] : spec.minLength === undefined ? [] : [`at least ${spec.minLength} chars`];
      case 'enum':
        return [`${spec.values.length} values`];
      case 'hostname':
        return spec.leadingDot === true ? ['leading dot allowed'] : [];
      case 'jwt':
        return [spec.alg ?? 'HS256', ...Object.keys(spec.claims ?? {}).map((claim) => `${claim} fixed`), ...(spec.signedWith === undefined ? [] : [`signed with ${spec.signedWith}`])];
      default:
        return [];
    }
  })();
  const type = spec.type === 'url' && spec.list === true ? 'url list' : spec.type;
  const flags = [
    ...(spec.secret === true ? ['secret'] : []),
    ...(spec.loaderControl === true ? ['loader-control'] : []),
    ...(spec.fake === false ? ['optional, no fake'] : spec.required === false ? ['optional'] : []),
    ...(spec.default !== undefined ? ['default from the example'] : []),
  ];
  return [`${type}${options.length > 0 ? `(${options.join(', ')})` : ''}`, ...flags].join(' ');
}
