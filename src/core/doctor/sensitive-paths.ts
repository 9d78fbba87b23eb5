/**
 * Which paths of a project must never be committed, by name alone (doctor reads no file
 * to decide):
 *
 * - `store`: the store folder `.devsecrets/` and everything in it but its own `.gitignore`;
 * - `env`: local dotenv files, `.env` and `.env.<anything>`, at any depth;
 * - `key`: private keys and identities: `*.pem`, `*.key`, `*.p12`, `*.pfx`, `*.agekey`,
 *   ssh's `id_rsa`, `id_dsa`, `id_ecdsa`, `id_ed25519`, and age identities saved as
 *   `key.txt` (age's own docs: `age-keygen -o key.txt`), `keys.txt` (SOPS), `age.txt`,
 *   `age-key.txt`, `age_keys.txt`, `age-identity.txt` and the like.
 *
 * `example`: `.env.example`, `.env.sample`, `.env.template` (also `.env.<x>.example`…) are
 * the opposite: the team needs them committed.
 *
 * Besides the files that exist, a few paths are always checked, because a rule must be in
 * place before the file appears: `.devsecrets/`, `.env`, `.env.local` and
 * `.env.development.local` (standing for every `.env.*.local`). Anything under
 * `node_modules/` or `.git/` is left out.
 */
export type SensitiveKind = 'store' | 'env' | 'example' | 'key';

export interface SensitivePath {
  /** Relative to the project root, `/`-separated; a folder ends with `/`. */
  path: string;
  kind: SensitiveKind;
  /** False for an always-checked path that does not exist (yet). */
  exists: boolean;
}

/** What is on disk, as the adapters list it. */
export interface ProjectListing {
  /** Names of the entries (files and folders) of the project root. */
  rootEntries: readonly string[];
  /** Files git tracks, relative to the root. */
  tracked: readonly string[];
  /**
   * Files git neither tracks nor ignores, relative to the root. Outside a repository: every
   * file of the tree, as walked.
   */
  untracked: readonly string[];
  /**
   * Untracked files git ignores (a wholly ignored folder once, as `folder/`), relative to the
   * root, and the env and example files inside such folders (see `foldersToSearch`).
   */
  ignored: readonly string[];
}

export const STORE_DIR = '.devsecrets/';

const ALWAYS_CHECKED: readonly SensitivePath[] = [
  { path: STORE_DIR, kind: 'store', exists: false },
  { path: '.env', kind: 'env', exists: false },
  { path: '.env.local', kind: 'env', exists: false },
  { path: '.env.development.local', kind: 'env', exists: false },
];

const EXAMPLE = /^\.env(?:\..+)?\.(?:example|sample|template)$/;
const ENV = /^\.env(?:\..+)?$/;
const KEY_EXTENSION = /\.(?:pem|key|p12|pfx|agekey)$/i;
const KEY_NAME = /^(?:id_(?:rsa|dsa|ecdsa|ed25519)|keys?\.txt|age(?:[-_]?(?:key|keys|identity))?\.txt)$/i;
const SKIPPED_FOLDER = /(?:^|\/)(?:node_modules|\.git)\//;

/** The kind of a file by its path relative to the root, or undefined when it is not sensitive. */
export function classifyPath(path: string): SensitiveKind | undefined {
  if (SKIPPED_FOLDER.test(path)) return undefined;
  if (path.startsWith(STORE_DIR)) return path === `${STORE_DIR}.gitignore` ? undefined : 'store';
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (EXAMPLE.test(name)) return 'example';
  if (ENV.test(name)) return 'env';
  if (KEY_EXTENSION.test(name) || KEY_NAME.test(name)) return 'key';
  return undefined;
}

/**
 * The wholly ignored folders (as `git ls-files --directory` lists them) worth searching for
 * example and env files: all but dependencies, git's own folder and the store.
 */
export function foldersToSearch(ignored: readonly string[]): string[] {
  return ignored.filter((path) => path.endsWith('/') && path !== STORE_DIR && !SKIPPED_FOLDER.test(path));
}

/**
 * The folders above each example file (`a/`, `a/b/` for `a/b/.env.example`): git cannot
 * re-include a file inside an ignored folder, so their verdicts decide how an ignored
 * example can be made visible again.
 */
export function foldersAboveExamples(paths: readonly SensitivePath[]): string[] {
  const folders = new Set<string>();
  for (const entry of paths) {
    if (entry.kind !== 'example') continue;
    for (let at = entry.path.indexOf('/'); at !== -1; at = entry.path.indexOf('/', at + 1)) folders.add(entry.path.slice(0, at + 1));
  }
  return [...folders];
}

/**
 * The local env files that exist anywhere in the listing (examples left out), once each:
 * root entries first, then the files git lists.
 */
export function existingEnvFiles(listing: ProjectListing): string[] {
  const all = [...listing.rootEntries, ...listing.tracked, ...listing.untracked, ...listing.ignored];
  return [...new Set(all)].filter((path) => classifyPath(path) === 'env');
}

/**
 * Every path whose ignore status doctor must ask git about, once each, in a stable order:
 * the always-checked ones, then sensitive root entries, then sensitive files git lists.
 * Of the ignored files only examples matter: the others are covered by definition. Files
 * inside `.devsecrets/` are left to the folder's own verdict (a file in an ignored folder is
 * ignored), but still count when tracked.
 */
export function sensitivePaths(listing: ProjectListing): SensitivePath[] {
  const found = new Map<string, SensitivePath>();
  const rootEntries = new Set(listing.rootEntries);
  for (const probe of ALWAYS_CHECKED) {
    found.set(probe.path, { ...probe, exists: rootEntries.has(probe.path.replace(/\/$/, '')) });
  }
  const tracked = new Set(listing.tracked);
  const ignoredExamples = listing.ignored.filter((path) => classifyPath(path) === 'example');
  for (const path of [...listing.rootEntries.filter((name) => name.startsWith('.env')), ...listing.tracked, ...listing.untracked, ...ignoredExamples]) {
    const kind = classifyPath(path);
    if (kind === undefined || found.has(path)) continue;
    if (kind === 'store' && !tracked.has(path)) continue;
    found.set(path, { path, kind, exists: true });
  }
  return [...found.values()];
}
