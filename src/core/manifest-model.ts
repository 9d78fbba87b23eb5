/**
 * The checked manifest as the rest of devsecrets sees it, and how one is built from a
 * document. Free of zod: `run` builds its manifest here, without the schema, when the
 * store proves it was checked against these exact manifest bytes (see `store-stamp.ts`).
 */
import { parseDurationMs } from './duration-text.js';
import { compileForbidRule, type ForbidRule } from './insecure.js';
import type { ManifestDocument, VarSpec } from './manifest-schema.js';
import { sha256Hex } from './digest.js';

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
  /** sha256 of the file's bytes: what a store's check stamp refers to. */
  textSha256: string;
}

/**
 * Builds the manifest of a document that is known to be valid: checked now by
 * `parseManifest`, or earlier, byte for byte, as a store's stamp proves.
 */
export function manifestFromDocument(document: ManifestDocument, path: string, root: string, textSha256: string): Manifest {
  const ttl = document.ttl ?? DEFAULT_TTL;
  let digest: string | undefined;
  return {
    path,
    root,
    version: document.version ?? 1,
    ttl,
    ttlMs: parseDurationMs(ttl),
    forbid: (document.forbid ?? []).map((source) => compileForbidRule(source)),
    vars: document.vars,
    // Worked out on first use: `run` never needs it, and it costs most for the largest manifests.
    get digest() {
      digest ??= digestOf(document);
      return digest;
    },
    textSha256,
  };
}

function digestOf(document: ManifestDocument): string {
  const { $schema: _schema, ...rest } = document;
  return sha256Hex(canonicalJson(rest));
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
