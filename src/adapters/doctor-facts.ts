/**
 * Gathering what `doctor` judges: the manifest, the store opened in memory, file modes,
 * the project's dotenv files, git's view of the project and the content scan. Read-only:
 * nothing is written, created or fixed. Every expected failure becomes a fact for the core
 * to report, so a broken project still gets a full diagnosis instead of the first error.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  classifyPath, existingEnvFiles, foldersAboveExamples, foldersToSearch, leakNeedles, manifestFactFromError, mayBeSchemaFile, secretValues, sensitivePaths, storeFactFromError,
  type ContentFact, type DoctorFacts, type EnvFileFact, type GitFact, type ManifestFact, type PermissionFact, type StoreFact,
} from '../core/doctor/index.js';
import { DevsecretsError } from '../core/errors.js';
import { findBlock } from '../core/gitignore-block.js';
import { gatherContent, type ContentOptions } from './doctor-content.js';
import { checkPermissions } from './fs-safe.js';
import { checkIgnore, findRepository, listEnvFilesIn, listIgnoredFiles, listTrackedFiles, listUntrackedFiles, type GitRepository } from './git.js';
import { existingExplicitIdentity } from './identity.js';
import { fallbackIdentityPath, identityHome } from './identity-file.js';
import { MAX_WALKED_ENTRIES, RootGitignore } from './ignore-rules.js';
import { loadManifest, locateManifest } from './manifest-file.js';
import { readTextIfExists } from './project-files.js';
import { readAuditLog } from './audit-log.js';
import { readSchemaFiles } from './schema-files.js';
import { checkStorePermissions, readStoreMeta, storePaths } from './store-files.js';
import { openStore } from './store.js';

type Repository = Extract<GitRepository, { kind: 'repository' }>;

/** Dotenv files larger than this are not read: no real one comes close. */
const MAX_ENV_FILE_BYTES = 1024 * 1024;

export interface GatherOptions {
  cwd: string;
  /** `--manifest PATH`, when given. */
  manifestPath: string | undefined;
  env: NodeJS.ProcessEnv;
  now: Date;
  /** Scan the index's staged content instead of the work tree's (`doctor --staged`). */
  staged: boolean;
}

/** Everything `diagnose` needs. Never throws for a problem doctor reports. */
export async function gatherDoctorFacts(options: GatherOptions): Promise<DoctorFacts> {
  const { cwd, manifestPath, env } = options;
  const location = locateManifest(cwd, manifestPath);
  const root = location.root;
  const rootEntries = await readdir(root).catch((): string[] => []);
  const [manifest, store, permissions, gitFacts] = await Promise.all([
    loadManifest(cwd, manifestPath).then(
      (loaded): ManifestFact => ({ kind: 'valid', manifest: loaded }),
      (error: unknown) => manifestFactFromError(error, location.path),
    ),
    openStore(root, env).then(({ document }): StoreFact => ({ kind: 'open', document }), storeFactFromError),
    gatherPermissions(root, env),
    gatherGit(root, env, rootEntries),
  ]);
  const git = gitFacts.fact;
  const envFiles = await readEnvFiles(root, gitFacts.envFiles);
  // Without a valid manifest there is nothing to judge them by; --staged judges only what a commit adds.
  const schemaFiles = manifest.kind === 'valid' && !options.staged ? readSchemaFiles(root, manifest.manifest.path, gitFacts.schemaCandidates) : [];
  const needles = manifest.kind === 'valid' && store.kind === 'open' ? leakNeedles(secretValues(manifest.manifest, store.document)) : undefined;
  const content = git.kind === 'checked' && gitFacts.repository !== undefined
    ? await scanContent({ root, env, repository: gitFacts.repository, tracked: [...git.tracked], staged: options.staged, needles })
    : { kind: 'skipped' as const };
  const audit = { path: storePaths(root).audit, files: readAuditLog(root) };
  return { root, now: options.now, manifest, store, permissions, environment: env, envFiles, schemaFiles, git, content, audit };
}

/** The content scan, once the store has given the values to look for; a git failure skips it like the other git checks. */
async function scanContent(options: ContentOptions): Promise<ContentFact> {
  try {
    return await gatherContent(options);
  } catch (error) {
    if (!(error instanceof DevsecretsError)) throw error;
    return { kind: 'skipped' };
  }
}

/**
 * The store's files and folder, and the identity file the store would be opened with. The
 * fallback identity's folders are devsecrets' own and must be private too; the folder of a
 * `DEVSECRETS_IDENTITY_FILE` is the user's business.
 */
async function gatherPermissions(root: string, env: NodeJS.ProcessEnv): Promise<PermissionFact[]> {
  const meta = await readStoreMeta(root).catch(() => undefined);
  const explicit = existingExplicitIdentity(env);
  const fallback = explicit === undefined && meta?.identity === 'file' ? fallbackIdentityPath(env, meta.storeId) : undefined;
  const keyFile = explicit ?? fallback;
  const identityPaths = [
    ...(keyFile === undefined ? [] : [keyFile]),
    ...(fallback === undefined ? [] : [dirname(fallback), identityHome(env)]),
  ];
  // A folder that cannot even be searched hides nothing looser than itself: skip what cannot be read.
  const problems = [
    ...(await checkStorePermissions(root).catch(() => [])),
    ...(await checkPermissions(identityPaths).catch(() => [])),
  ];
  return problems.map((problem) => ({ ...problem, holdsKey: problem.path === keyFile }));
}

/** The local dotenv files at `paths` (relative to the root) that are regular files of sane size. */
async function readEnvFiles(root: string, paths: readonly string[]): Promise<EnvFileFact[]> {
  const files: EnvFileFact[] = [];
  for (const name of paths) {
    const path = join(root, name);
    const stats = await stat(path).catch(() => undefined);
    if (stats === undefined || !stats.isFile() || stats.size > MAX_ENV_FILE_BYTES) continue;
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text !== undefined) files.push({ path: name, text });
  }
  return files;
}

/** What gathering git's view yields besides the fact itself. */
interface GitGathering {
  fact: GitFact;
  /** For the content scan, when the checks ran. */
  repository?: Repository;
  /** Local env files found on the way (at the root alone when git could not list them). */
  envFiles: string[];
  /** Files that may have been generated by `devsecrets schema`, by name: committed or to be (not ignored). */
  schemaCandidates: string[];
}

/**
 * Five or six git processes whatever the size of the tree: where we are, three listings,
 * one more for env and example files inside wholly ignored folders when there are any, and
 * the verdicts.
 */
async function gatherGit(root: string, env: NodeJS.ProcessEnv, rootEntries: readonly string[]): Promise<GitGathering> {
  const repository = await findRepository(root, env);
  const place = findBlock(readTextIfExists(join(root, '.gitignore')) ?? '');
  const block = place === undefined ? {} : { block: place };
  const rootOnly = { envFiles: existingEnvFiles({ rootEntries, tracked: [], untracked: [], ignored: [] }), schemaCandidates: rootEntries.filter(mayBeSchemaFile) };
  if (repository.kind === 'none') {
    if (repository.reason !== 'not-a-repository') return { fact: { kind: 'skipped', reason: repository.reason, message: repository.message }, ...rootOnly };
    // Nothing can be committed yet, but the rules should be right before `git init`.
    const gitignore = new RootGitignore(root);
    const walk = gitignore.listProjectFiles(root, (path) => ['env', 'example'].includes(classifyPath(path) ?? ''));
    const listing = { rootEntries, tracked: [], untracked: walk.files, ignored: [] };
    const paths = sensitivePaths(listing);
    const verdicts = gitignore.judge([...paths.map((entry) => entry.path), ...foldersAboveExamples(paths)]);
    const stopped = walk.complete ? {} : { walkStoppedAt: MAX_WALKED_ENTRIES };
    return {
      fact: { kind: 'checked', basis: 'root-gitignore', paths, verdicts, tracked: new Set(), ...stopped, ...block },
      envFiles: existingEnvFiles(listing),
      schemaCandidates: walk.files.filter(mayBeSchemaFile),
    };
  }
  try {
    const [tracked, untracked, ignoredListing] = await Promise.all([listTrackedFiles(root, env), listUntrackedFiles(root, env), listIgnoredFiles(root, env)]);
    const ignored = [...ignoredListing, ...(await listEnvFilesIn(root, env, foldersToSearch(ignoredListing)))];
    const listing = { rootEntries, tracked, untracked, ignored };
    const paths = sensitivePaths(listing);
    const verdicts = await checkIgnore(root, env, repository, [...paths.map((entry) => entry.path), ...foldersAboveExamples(paths)]);
    return {
      fact: { kind: 'checked', basis: 'git', paths, verdicts, tracked: new Set(tracked), ...block },
      repository,
      envFiles: existingEnvFiles(listing),
      schemaCandidates: [...tracked, ...untracked].filter(mayBeSchemaFile),
    };
  } catch (error) {
    if (!(error instanceof DevsecretsError)) throw error;
    return { fact: { kind: 'skipped', reason: 'git-failed', message: error.message }, ...rootOnly };
  }
}
