/**
 * What `doctor` judges: facts gathered from disk, the store, the environment and git by
 * the adapters, handed to the core as plain data. Nothing here reads anything; each fact
 * records what was found, including "could not be found" and why.
 */
import { basename } from 'node:path';
import type { AuditFiles } from '../audit.js';
import { DevsecretsError, type Issue } from '../errors.js';
import type { BlockPlace } from '../gitignore-block.js';
import type { Manifest } from '../manifest-model.js';
import type { StoreDocument } from '../store-document.js';
import type { ContentHit } from './content-scan.js';
import type { SensitivePath } from './sensitive-paths.js';

export interface DoctorFacts {
  /** Absolute project root: the manifest's folder (the working folder without a manifest). */
  root: string;
  now: Date;
  manifest: ManifestFact;
  store: StoreFact;
  /** Store and identity files and folders whose modes are looser than 0600/0700. */
  permissions: readonly PermissionFact[];
  /** The environment doctor inherited, as `run` would pass it on. */
  environment: Readonly<Record<string, string | undefined>>;
  /** Local dotenv files anywhere in the project (example files left out). */
  envFiles: readonly EnvFileFact[];
  /** Files `devsecrets schema` generated (they start with its marker) that this manifest governs. */
  schemaFiles: readonly SchemaFileFact[];
  git: GitFact;
  /** What scanning tracked (or, with `--staged`, staged) file contents found. */
  content: ContentFact;
  /** `.devsecrets/audit.log`: its path, and the texts of the log and its head, where they exist. */
  audit: { path: string; files: AuditFiles };
}

export type ManifestFact =
  | { kind: 'valid'; manifest: Manifest }
  /** `path`: absolute, where the manifest is or would be. */
  | { kind: 'invalid'; path: string; message: string; issues: readonly Issue[]; fix: string };

/** The store as `openStore` left it: opened, absent, or refused with one of doctor's codes. */
export type StoreFact =
  | { kind: 'open'; document: StoreDocument }
  | { kind: 'missing' }
  | { kind: 'unavailable'; code: UnavailableStoreCode; message: string; fix: string; path?: string };

/** Why a store did not open, as a finding code. */
export type UnavailableStoreCode = 'STORE_UNREADABLE' | 'STORE_UNAUTHENTICATED' | 'STORE_ROLLED_BACK' | 'IDENTITY_MISSING' | 'FILE_PERMISSIONS';

export interface PermissionFact {
  /** Absolute path. */
  path: string;
  /** The permission bits found. */
  mode: number;
  /** The most allowed: 0600 for files, 0700 for folders. */
  expected: number;
  /** The file holds the age identity itself. */
  holdsKey: boolean;
}

export interface EnvFileFact {
  /** Relative to the project root. */
  path: string;
  text: string;
}

/** A file carrying the marker of `devsecrets schema`. */
export interface SchemaFileFact {
  /** Relative to the project root. */
  path: string;
  text: string;
}

/** Git's verdict on one path, as `git check-ignore --verbose --non-matching` gives it. */
export interface IgnoreVerdict {
  ignored: boolean;
  /** The last rule that matched; a negation (`!…`) when it re-included the path. */
  rule?: { source: string; line: number; pattern: string };
}

export type GitFact =
  | {
      kind: 'checked';
      /**
       * `git`: git's own verdicts. `root-gitignore`: outside a repository, judged from the
       * root `.gitignore` alone (no nested files, excludes or index), as git would once the
       * folder becomes a repository.
       */
      basis: 'git' | 'root-gitignore';
      paths: readonly SensitivePath[];
      /**
       * Keyed by `SensitivePath.path`; every sensitive path has one, and so has every folder
       * above an example file (see `foldersAboveExamples`).
       */
      verdicts: ReadonlyMap<string, IgnoreVerdict>;
      /** Paths in the index, relative to the project root. */
      tracked: ReadonlySet<string>;
      /**
       * With `basis: 'root-gitignore'`, when the walk of the tree stopped after this many
       * entries: files beyond them were not judged.
       */
      walkStoppedAt?: number;
      /** The devsecrets block of the root `.gitignore`, when there is one. */
      block?: BlockPlace;
    }
  | { kind: 'skipped'; reason: 'not-a-repository' | 'git-failed'; message: string };

/**
 * The content scan: of the work tree's tracked files, or of the index's staged blobs
 * (`source: 'index'`, `doctor --staged`, which then judges only what the commit would add).
 * Skipped outside a repository, where the git fact says why.
 */
export type ContentFact =
  | { kind: 'skipped' }
  | {
      kind: 'scanned';
      source: 'work-tree' | 'index';
      /** With `source: 'index'`: paths added, copied, modified or renamed in the index, relative to the root. */
      stagedPaths: readonly string[];
      hits: readonly ContentHit[];
      /** Files not read: binary (a NUL byte in the first 8 KiB) or larger than 1 MiB. */
      skipped: { binary: number; large: number };
      /** False when there were no secret values to search for (no valid manifest or no open store). */
      valuesSearched: boolean;
    };

/** The manifest fact for a manifest at `path` (absolute) that failed to load: missing, unreadable or invalid. */
export function manifestFactFromError(error: unknown, path: string): ManifestFact {
  if (error instanceof DevsecretsError) {
    const fix = error.code === 'MANIFEST_MISSING' ? 'run devsecrets init to create one, or pass --manifest PATH' : `fix ${basename(path)}`;
    return { kind: 'invalid', path, message: error.message, issues: error.issues, fix };
  }
  return { kind: 'invalid', path, message: `cannot read ${path} (${systemCode(error)})`, issues: [], fix: `check that ${path} is a readable file` };
}

/**
 * The store fact for an `openStore` failure. A wrong identity counts as a missing one (the
 * right one is not where devsecrets looked), and so does a keychain that does not answer.
 */
export function storeFactFromError(error: unknown): StoreFact {
  if (!(error instanceof DevsecretsError)) {
    return { kind: 'unavailable', code: 'STORE_UNREADABLE', message: `cannot read the store (${systemCode(error)})`, fix: 'check the permissions of .devsecrets/' };
  }
  if (error.code === 'STORE_MISSING') return { kind: 'missing' };
  const code: UnavailableStoreCode = ['FILE_PERMISSIONS', 'STORE_UNAUTHENTICATED', 'STORE_ROLLED_BACK'].includes(error.code)
    ? (error.code as UnavailableStoreCode)
    : ['IDENTITY_MISSING', 'IDENTITY_MISMATCH', 'KEYCHAIN_UNAVAILABLE'].includes(error.code) ? 'IDENTITY_MISSING' : 'STORE_UNREADABLE';
  return {
    kind: 'unavailable',
    code,
    message: error.message,
    fix: error.hint ?? 'devsecrets init --force starts over (values you set are lost)',
    ...(error.path === undefined ? {} : { path: error.path }),
  };
}

function systemCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'error';
}
