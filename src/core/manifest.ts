/**
 * Parsing `devsecrets.json` into a checked `Manifest`: JSON syntax (with line and
 * column), structure (the zod/mini schema, unknown fields are errors) and semantics
 * (per-type checks, names that collide ignoring case, loader-control variables declared
 * without `"loaderControl": true`, forbid rules). Every problem is collected and reported
 * at once as `MANIFEST_INVALID`.
 */
import { durationMs } from './duration-text.js';
import { DevsecretsError, type Issue } from './errors.js';
import { forbidRuleProblem } from './insecure.js';
import { scanJson } from './json-scan.js';
import { loaderControlReason } from './loader-control.js';
import { DEFAULT_TTL, manifestFromDocument, type Manifest } from './manifest-model.js';
import { sha256Hex } from './digest.js';
import { manifestSchema, varSpecSchema, type VarSpec } from './manifest-schema.js';
import { checkSpec } from './types/index.js';

/**
 * Parses and checks manifest text.
 * @throws DevsecretsError `MANIFEST_INVALID` (exit 3) listing every problem.
 */
export function parseManifest(text: string, path: string, root: string): Manifest {
  const raw = parseJson(text, path);
  const parsed = manifestSchema.safeParse(raw);
  const issues: Issue[] = scanJson(text).duplicateKeys.map(({ key, offset }) => ({
    message: `${JSON.stringify(key)} appears twice in one object (again at ${lineAndColumn(text, offset)}); JSON keeps only the last`,
  }));
  let vars: Record<string, VarSpec>;
  let forbidSources: unknown[];
  if (parsed.success) {
    vars = parsed.data.vars;
    forbidSources = parsed.data.forbid ?? [];
  } else {
    // Keep going on whatever is well-formed, so one run reports every problem.
    issues.push(...parsed.error.issues.map((issue) => issueFromZod(issue as ZodIssueLike, raw)));
    const document = isRecord(raw) ? raw : {};
    vars = wellFormedVars(document.vars);
    forbidSources = Array.isArray(document.forbid) ? document.forbid : [];
  }
  issues.push(...checkVars(vars));
  for (const [index, pattern] of forbidSources.entries()) {
    const problem = typeof pattern === 'string' ? forbidRuleProblem(pattern) : undefined;
    if (problem !== undefined) issues.push({ message: `forbid[${index}]: ${problem}` });
  }
  if (parsed.success && durationMs(parsed.data.ttl ?? DEFAULT_TTL) === undefined) issues.push({ message: 'ttl: is too long' });
  if (issues.length > 0 || !parsed.success) throw invalid(path, issues, Object.entries(vars).some(([name, spec]) => undeclaredLoaderControl(name, spec)));
  return manifestFromDocument(parsed.data, path, root, sha256Hex(text));
}

/** The variables whose spec is well-formed on its own, from a document that failed as a whole. */
function wellFormedVars(rawVars: unknown): Record<string, VarSpec> {
  const vars: Record<string, VarSpec> = {};
  if (!isRecord(rawVars)) return vars;
  for (const [name, spec] of Object.entries(rawVars)) {
    const parsed = varSpecSchema.safeParse(spec);
    if (parsed.success) vars[name] = parsed.data;
  }
  return vars;
}

function checkVars(vars: Record<string, VarSpec>): Issue[] {
  const issues: Issue[] = [];
  const byFoldedName = new Map<string, string>();
  for (const [name, spec] of Object.entries(vars)) {
    const folded = name.toUpperCase();
    const other = byFoldedName.get(folded);
    if (other !== undefined) {
      issues.push({ var: name, message: `collides with ${other} ignoring case (environment names are case-insensitive on Windows)` });
    } else {
      byFoldedName.set(folded, name);
    }
    issues.push(...checkLoaderControl(name, spec), ...checkSpec(name, spec), ...checkSignedWith(name, spec, vars));
  }
  return issues;
}

/**
 * A jwt's `signedWith` names another variable that gets a value devsecrets can sign with:
 * not a loader-control one nor one declared `"fake": false` (no fake to sign with), and not
 * a signed token itself, so that signing keys are always made before the tokens.
 */
function checkSignedWith(name: string, spec: VarSpec, vars: Record<string, VarSpec>): Issue[] {
  if (spec.type !== 'jwt' || spec.signedWith === undefined) return [];
  const signer = spec.signedWith;
  const signerSpec = vars[signer];
  let problem: string | undefined;
  if (signer === name) problem = 'a token cannot be signed with itself';
  else if (signerSpec === undefined) problem = `${signer} is not a variable of the manifest`;
  else if (signerSpec.type === 'jwt' && signerSpec.signedWith !== undefined) problem = `${signer} is itself a signed token; sign with a secret instead`;
  else if (loaderControlReason(signer) !== undefined || signerSpec.fake === false) problem = `${signer} gets no fake, so devsecrets could not sign this token`;
  return problem === undefined ? [] : [{ var: name, message: `signedWith: ${problem}` }];
}

/**
 * A loader-control variable is declared only on purpose, and the opt-in only on one: on
 * any other variable it would claim a danger that is not there.
 */
function checkLoaderControl(name: string, spec: VarSpec): Issue[] {
  const reason = loaderControlReason(name);
  if (reason !== undefined && spec.loaderControl !== true) {
    return [{ var: name, message: `controls how programs load code (${reason}): remove it, or declare it on purpose with "loaderControl": true` }];
  }
  if (reason === undefined && spec.loaderControl !== undefined) {
    return [{ var: name, message: 'loaderControl: only loader-control variables (LD_*, DYLD_*, NODE_OPTIONS, BASH_ENV, PYTHONPATH, …) take it; remove it' }];
  }
  return [];
}

function undeclaredLoaderControl(name: string, spec: VarSpec): boolean {
  return spec.loaderControl !== true && loaderControlReason(name) !== undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new DevsecretsError('MANIFEST_INVALID', `${path} is not valid JSON at ${lineAndColumn(text, scanJson(text).invalidAt ?? text.length)}`, {
      path,
      hint: 'fix the JSON syntax (manifest.schema.json, shipped with devsecrets, describes the expected shape)',
    });
  }
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/** The parts of a zod issue the messages use; zod leaves the input out, and so do we. */
interface ZodIssueLike {
  path: readonly PropertyKey[];
  message: string;
  code?: string;
  keys?: string[];
  values?: readonly unknown[];
  expected?: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  discriminator?: string;
  options?: readonly unknown[];
}

/** Turns a zod issue into `VAR: message` (or `field: message` outside `vars`), keeping the path readable. */
function issueFromZod(issue: ZodIssueLike, document: unknown): Issue {
  // An unknown `type` is said as such ("unknown type …"), not as a field of the type.
  const path = issue.code === 'invalid_union' && issue.discriminator !== undefined ? issue.path.slice(0, -1) : issue.path;
  const [head, name, ...rest] = path.map(String);
  const message = describeZodIssue(issue, document);
  if (head === 'vars' && name !== undefined) {
    return { var: name, message: rest.length > 0 ? `${rest.join('.')}: ${message}` : message };
  }
  const where = path.map(String).join('.');
  return { message: where ? `${where}: ${message}` : message };
}

const KINDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'an array',
  object: 'an object',
  record: 'an object',
};

/** What is wrong, in words: which values are allowed, which type or bound was expected. */
function describeZodIssue(issue: ZodIssueLike, document: unknown): string {
  const list = (values: readonly unknown[]) => values.map((value) => JSON.stringify(value)).join(', ');
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown field${issue.keys!.length > 1 ? 's' : ''} ${issue.keys!.map((key) => `"${key}"`).join(', ')}`;
    case 'invalid_union': {
      if (issue.discriminator === undefined) break;
      // What was given is not quoted back: a manifest field may hold a pasted secret too.
      const known = `one of ${list(issue.options ?? [])}`;
      return valueAt(document, issue.path) === undefined ? `missing "${issue.discriminator}" (${known})` : `unknown ${issue.discriminator} (expected ${known})`;
    }
    case 'invalid_value':
      return issue.values?.length === 1 ? `must be ${list(issue.values)}` : `must be one of ${list(issue.values ?? [])}`;
    case 'invalid_type':
      return `must be ${KINDS[issue.expected ?? ''] ?? issue.expected}`;
    case 'invalid_key':
      return 'is not a valid environment variable name (letters, digits and _, not starting with a digit)';
    case 'too_small':
    case 'too_big':
      return describeBound(issue);
  }
  return /^invalid input$/i.test(issue.message) ? 'is invalid' : issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
}

function describeBound(issue: ZodIssueLike): string {
  const small = issue.code === 'too_small';
  const bound = Number(small ? issue.minimum : issue.maximum);
  if (issue.origin === 'array') return small ? (bound === 1 ? 'must not be empty' : `must list at least ${bound}`) : `must list at most ${bound}`;
  if (issue.origin === 'string') return small ? `must be at least ${bound} characters` : `must be at most ${bound} characters`;
  if (issue.inclusive === false) return small ? `must be greater than ${bound}` : `must be less than ${bound}`;
  return small ? `must be at least ${bound}` : `must be at most ${bound}`;
}

function valueAt(document: unknown, path: readonly PropertyKey[]): unknown {
  let value = document;
  for (const key of path) value = isRecord(value) || Array.isArray(value) ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

/** `loaderControl`: a loader-control variable lacks its opt-in, and the hint says what opting in entails. */
function invalid(path: string, issues: Issue[], loaderControl: boolean): DevsecretsError {
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  return new DevsecretsError('MANIFEST_INVALID', `manifest ${path} is invalid (${count})`, {
    path,
    issues,
    hint: loaderControl
      ? 'add "loaderControl": true to declare each on purpose, or remove it; devsecrets makes no fake for one, so give it a default (or "required": false) or set it with devsecrets set NAME (devsecrets sync drops a fake an older store holds)'
      : 'fix the manifest; an editor that reads its $schema completes and checks it',
  });
}
