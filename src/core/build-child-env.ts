/**
 * The environment `run` gives its child, and the decisions behind it, as data: which
 * inherited values the store overrode, which were kept (`--prefer-env`), and which store
 * variables the manifest does not know. Judging the values is `evaluateValues`' job, on
 * `resolved`; this module stays free of the type system so `run`'s fast path is light.
 */
import type { Issue } from './errors.js';
import { isLoaderControl } from './loader-control.js';
import type { Manifest } from './manifest-model.js';
import type { VarSpec } from './manifest-schema.js';

export interface BuildChildEnvOptions {
  manifest: Manifest;
  /** Values from the store (or from fresh fakes with `--ephemeral`). */
  values: Readonly<Record<string, string>>;
  inherited: Readonly<Record<string, string | undefined>>;
  preferEnv?: boolean;
  isolate?: boolean;
  platform?: NodeJS.Platform;
}

export interface ChildEnv {
  env: Record<string, string>;
  /** The value each manifest variable ends up with (undefined: none), for `evaluateValues`. */
  resolved: Record<string, string | undefined>;
  /** Manifest variables whose inherited value the store replaced. */
  overridden: string[];
  /** Manifest variables whose inherited value won over the store (`--prefer-env`). */
  kept: string[];
  /**
   * Manifest variables whose value is the inherited one (the store has none, or
   * `--prefer-env` chose it): a store's check stamp does not vouch for these.
   */
  fromEnv: string[];
  /** Store variables the manifest does not declare. */
  unknown: Issue[];
}

/** Passed through `--isolate` so the child can still find programs, its home, its terminal and its locale. */
const ISOLATE_KEEP = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TERM', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR'];
const ISOLATE_KEEP_WINDOWS = [
  'SYSTEMROOT', 'SYSTEMDRIVE', 'WINDIR', 'COMSPEC', 'PATHEXT', 'TEMP', 'TMP',
  'USERPROFILE', 'APPDATA', 'LOCALAPPDATA', 'PROGRAMDATA', 'PROGRAMFILES', 'HOMEDRIVE', 'HOMEPATH',
];

/** No `DEVSECRETS_*` variable ever reaches a child: they locate identities. */
export function isDevsecretsVar(name: string): boolean {
  return name.toUpperCase().startsWith('DEVSECRETS_');
}

/**
 * Builds the child environment. Precedence per manifest variable: the store value (for a
 * loader-control variable without one, its manifest default: see {@link storeValues}),
 * unless `preferEnv` and the variable is inherited; then the inherited value; then the
 * manifest default.
 */
export function buildChildEnv(options: BuildChildEnvOptions): ChildEnv {
  const { manifest, inherited } = options;
  const values = storeValues(manifest, options.values);
  const windows = (options.platform ?? process.platform) === 'win32';
  const env: Record<string, string> = {};
  const keep = options.isolate ? new Set([...ISOLATE_KEEP, ...(windows ? ISOLATE_KEEP_WINDOWS : [])]) : undefined;
  for (const [name, value] of Object.entries(inherited)) {
    if (value === undefined || isDevsecretsVar(name)) continue;
    if (keep && !keep.has(windows ? name.toUpperCase() : name)) continue;
    env[name] = value;
  }

  const overridden: string[] = [];
  const kept: string[] = [];
  const fromEnv: string[] = [];
  const resolved: Record<string, string | undefined> = {};
  for (const [name, spec] of Object.entries(manifest.vars)) {
    const fromStore = values[name];
    const inheritedValue = inherited[name];
    let value: string | undefined;
    if (fromStore !== undefined && !(options.preferEnv && inheritedValue !== undefined)) {
      value = fromStore;
      if (inheritedValue !== undefined && inheritedValue !== fromStore) overridden.push(name);
    } else if (inheritedValue !== undefined) {
      value = inheritedValue;
      fromEnv.push(name);
      if (fromStore !== undefined && fromStore !== inheritedValue) kept.push(name);
    } else {
      value = defaultOf(spec);
    }
    resolved[name] = value;
    if (value !== undefined) env[name] = value;
  }

  const unknown = Object.keys(options.values)
    .filter((name) => !(name in manifest.vars))
    .map((name) => ({ var: name, message: 'is in the store but not in the manifest' }));
  return { env, resolved, overridden, kept, fromEnv, unknown };
}

/**
 * The values that win over inherited ones (unless `preferEnv`): the store's, and for a
 * loader-control variable the store holds nothing for, its manifest default. For any other
 * variable the store holds a copy of the default (a default is its fake); a loader-control
 * variable gets no fake, so the manifest's default, never copied, takes the store's place and
 * a changed default counts at once.
 */
export function storeValues(manifest: Manifest, values: Readonly<Record<string, string>>): Record<string, string> {
  const merged = { ...values };
  for (const [name, spec] of Object.entries(manifest.vars)) {
    const preset = merged[name] === undefined && isLoaderControl(name) ? defaultOf(spec) : undefined;
    if (preset !== undefined) merged[name] = preset;
  }
  return merged;
}

/** The manifest default of a non-secret variable as an environment string, if it has one. */
export function defaultOf(spec: VarSpec): string | undefined {
  if (spec.secret === true || !('default' in spec) || spec.default === undefined) return undefined;
  return typeof spec.default === 'string' ? spec.default : JSON.stringify(spec.default);
}
