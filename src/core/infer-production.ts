/**
 * A manifest inferred from production values (`init --from aws-sm://…`, `manifest pull`):
 * the same inference as for an example file, then made fit to commit. A production value
 * is never written anywhere, so no default, example or exact claim survives — only shapes
 * (types, lengths, alphabets, schemes, prefixes) — and every variable is secret unless it
 * clearly is not (a number, a switch, a port, a duration, a choice, a public name).
 */
import { inferManifest, type Inference, type InferredVar } from './infer-manifest.js';
import { publicPrefixOf } from './infer/names.js';
import type { VarSpec } from './manifest-schema.js';

const CLEARLY_NOT_SECRET: ReadonlySet<VarSpec['type']> = new Set(['int', 'number', 'bool', 'port', 'duration', 'enum']);

/**
 * Infers specs for `values` (name → production value), in the order given. Pure.
 */
export function inferFromProduction(values: Readonly<Record<string, string>>, schemaRef: string): Inference {
  const file = { entries: Object.entries(values).map(([name, value], index) => ({ name, value, line: index + 1, comment: [] })), commented: [] };
  const vars = inferManifest(file, schemaRef).vars.map(withoutValues);
  return { document: { $schema: schemaRef, version: 1, ttl: '30d', vars: Object.fromEntries(vars.map(({ name, spec }) => [name, spec])) }, vars };
}

function withoutValues({ name, spec, reasons }: InferredVar): InferredVar {
  const { default: inferredDefault, example: _example, description: _description, ...shape } = spec as VarSpec & Record<string, unknown>;
  const kept: Record<string, unknown> = { ...shape };
  if (spec.type === 'jwt' && spec.claims !== undefined) {
    // A claim's name is a shape; its value was production's.
    delete kept.claims;
    kept.requiredClaims = [...new Set([...(spec.requiredClaims ?? []), ...Object.keys(spec.claims)])];
  }
  const notes = [...reasons];
  if (spec.type === 'token' && spec.prefix !== undefined && spec.length === undefined) {
    // A vendor prefix comes before a long random body (the inference gives such a token its
    // length). Before a short one, the "prefix" is most of the value (`blue_sky_nine_W4x`):
    // dropped, and the alphabet widened to the characters it held.
    delete kept.prefix;
    kept.charset = 'base64url';
    notes.push('prefix dropped: before so short a rest it would be most of a production value');
  }
  const secret = spec.secret === true || !(CLEARLY_NOT_SECRET.has(spec.type) || publicPrefixOf(name) !== undefined);
  if (secret) kept.secret = true;
  notes.push(inferredDefault !== undefined ? 'production value: kept as a shape only, never as a default' : 'production value: kept as a shape only');
  if (secret && spec.secret !== true) notes.push('secret unless clearly not');
  return { name, spec: kept as VarSpec, reasons: notes };
}
