/**
 * Parsing `devsecrets.json` into a checked `Manifest`: JSON syntax (with line and
 * column), structure (the zod/mini schema, unknown fields are errors) and semantics
 * (per-type checks, names that collide ignoring case, forbid rules). Every problem is
 * collected and reported at once as `MANIFEST_INVALID`.
 */
import { createHash } from 'node:crypto';
import { DevsecretsError, type Issue } from './errors.js';
import { manifestSchema, varSpecSchema, type ManifestDocument, type VarSpec } from './manifest-schema.js';
import { checkSpec } from './types/index.js';
import { parseDurationMs } from './types/duration.js';
import { compileForbidRule, type ForbidRule } from './insecure.js';
import { jsonErrorOffset } from './json-error-offset.js';

export const MANIFEST_FILE = 'devsecrets.json';
export const DEFAULT_TTL = '30d';

/** A manifest that passed every check. */
export interface Manifest {
  /** Absolute path of the manifest file. */
  path: string;
  /** The project root: the folder holding the manifest. */
  root: string;
  version: number;
  ttl: string;
  ttlMs: number;
  forbid: ForbidRule[];
  vars: Record<string, VarSpec>;
  /** sha256 of the canonical JSON of the document: formatting changes do not count as drift. */
  digest: string;
}

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
  const forbid: ForbidRule[] = [];
  for (const [index, pattern] of forbidSources.entries()) {
    if (typeof pattern !== 'string') continue;
    const rule = compileForbidRule(pattern);
    if (typeof rule === 'string') issues.push({ message: `forbid[${index}]: ${rule}` });
    else forbid.push(rule);
  }
  const ttl = (parsed.success ? parsed.data.ttl : undefined) ?? DEFAULT_TTL;
  let ttlMs = 0;
  try {
    ttlMs = parseDurationMs(ttl);
  } catch {
    issues.push({ message: 'ttl: is too long' });
  }
  if (issues.length > 0 || !parsed.success) throw invalid(path, issues);
  const document = parsed.data;
  return {
    path,
    root,
    version: document.version ?? 1,
    ttl,
    ttlMs,
    forbid,
    vars,
    digest: digestOf(document),
  };
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

function digestOf(document: ManifestDocument): string {
  const { $schema: _schema, ...rest } = document;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
