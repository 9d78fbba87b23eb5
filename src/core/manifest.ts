/**
 * Parsing `devsecrets.json` into a checked `Manifest`: JSON syntax (with line and
 * column), structure (the zod/mini schema, unknown fields are errors) and semantics
 * (per-type checks, names that collide ignoring case, forbid rules). Every problem is
 * collected and reported at once as `MANIFEST_INVALID`.
 */
import { durationMs } from './duration-text.js';
import { DevsecretsError, type Issue } from './errors.js';
import { compileForbidRule } from './insecure.js';
import { jsonErrorOffset } from './json-error-offset.js';
import { DEFAULT_TTL, manifestFromDocument, sha256Hex, type Manifest } from './manifest-model.js';
import { manifestSchema, varSpecSchema, type VarSpec } from './manifest-schema.js';
import { checkSpec } from './types/index.js';

/**
 * Parses and checks manifest text.
 * @throws DevsecretsError `MANIFEST_INVALID` (exit 3) listing every problem.
 */
export function parseManifest(text: string, path: string, root: string): Manifest {
  const raw = parseJson(text, path);
  const parsed = manifestSchema.safeParse(raw);
  const issues: Issue[] = [];
  let vars: Record<string, VarSpec>;
  let forbidSources: unknown[];
  if (parsed.success) {
    vars = parsed.data.vars;
    forbidSources = parsed.data.forbid ?? [];
  } else {
    // Keep going on whatever is well-formed, so one run reports every problem.
    issues.push(...parsed.error.issues.map(issueFromZod));
    const document = isRecord(raw) ? raw : {};
    vars = wellFormedVars(document.vars);
    forbidSources = Array.isArray(document.forbid) ? document.forbid : [];
  }
  issues.push(...checkVars(vars));
  for (const [index, pattern] of forbidSources.entries()) {
    const rule = typeof pattern === 'string' ? compileForbidRule(pattern) : undefined;
    if (typeof rule === 'string') issues.push({ message: `forbid[${index}]: ${rule}` });
  }
  if (parsed.success && durationMs(parsed.data.ttl ?? DEFAULT_TTL) === undefined) issues.push({ message: 'ttl: is too long' });
  if (issues.length > 0 || !parsed.success) throw invalid(path, issues);
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
    issues.push(...checkSpec(name, spec));
  }
  return issues;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new DevsecretsError('MANIFEST_INVALID', `${path} is not valid JSON at ${lineAndColumn(text, jsonErrorOffset(text))}`, {
      path,
      hint: 'fix the JSON syntax; devsecrets schema shows the expected shape',
    });
  }
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

interface ZodIssueLike {
  path: readonly PropertyKey[];
  message: string;
  code?: string;
  keys?: string[];
}

/** Turns a zod issue into `VAR: message` (or `field: message` outside `vars`), keeping the path readable. */
function issueFromZod(issue: ZodIssueLike): Issue {
  const [head, name, ...rest] = issue.path.map(String);
  const message = issue.code === 'unrecognized_keys' && issue.keys
    ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`
    : describeZodMessage(issue);
  if (head === 'vars' && name !== undefined) {
    return { var: name, message: rest.length > 0 ? `${rest.join('.')}: ${message}` : message };
  }
  const where = issue.path.map(String).join('.');
  return { message: where ? `${where}: ${message}` : message };
}

function describeZodMessage(issue: ZodIssueLike): string {
  if (issue.code === 'invalid_union' && issue.path.length === 2 && issue.path[0] === 'vars') {
    return 'unknown or missing "type"';
  }
  return issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
}

function invalid(path: string, issues: Issue[]): DevsecretsError {
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  return new DevsecretsError('MANIFEST_INVALID', `manifest ${path} is invalid (${count})`, {
    path,
    issues,
    hint: 'fix the manifest; an editor that reads its $schema completes and checks it',
  });
}
