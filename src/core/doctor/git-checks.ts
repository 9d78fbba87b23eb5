/**
 * What git would let slip into a commit, as git itself decides it: the verdicts come from
 * `git check-ignore`, so nested `.gitignore` files, negations, `.git/info/exclude` and
 * `core.excludesFile` count exactly as they do for `git add`.
 */
import type { Finding } from '../findings.js';
import type { GitFact, IgnoreVerdict } from './facts.js';
import { STORE_DIR, type SensitivePath } from './sensitive-paths.js';
import { shellQuote } from './shell-quote.js';

/**
 * A rule for each always-checked path that the devsecrets block also covers; narrower than
 * the block's `.env.*`, which needs its example negations to be safe.
 */
const BLOCK_RULES: Readonly<Record<string, string>> = {
  [STORE_DIR]: STORE_DIR,
  '.env': '.env',
  '.env.local': '.env.local',
  '.env.development.local': '.env.*.local',
};

const SKIPPED_FIX = {
  'not-a-repository': 'nothing to do until this folder is in a git repository; then run devsecrets doctor again',
  'git-failed': 'make git work here (try git status), then run devsecrets doctor again',
} as const;

/**
 * - `GITIGNORE_UNCOVERED` (error): a store, env or key path git would not ignore;
 * - `EXAMPLE_IGNORED` (warn): an example env file git ignores;
 * - `TRACKED_SECRET_FILE` (error): a sensitive file in the index, ignored or not;
 * - `CHECK_SKIPPED` (info) when git cannot be asked, or outside a repository, where only the
 *   root `.gitignore` was read.
 */
export function checkGit(git: GitFact): Finding[] {
  if (git.kind === 'skipped') {
    return [{ code: 'CHECK_SKIPPED', level: 'info', message: `.gitignore and tracked-file checks skipped: ${git.message}`, fix: SKIPPED_FIX[git.reason] }];
  }
  const stopped = git.walkStoppedAt === undefined ? '' : `; only the first ${git.walkStoppedAt} entries of the tree were looked at`;
  const findings: Finding[] = git.basis === 'git' ? [] : [{
    code: 'CHECK_SKIPPED', level: 'info',
    message: `not a git repository: ignore rules judged from the root .gitignore alone; tracked-file checks skipped${stopped}`,
    fix: 'run devsecrets doctor again after git init, so that git itself decides',
  }];
  for (const entry of git.paths) {
    const verdict = git.verdicts.get(entry.path) ?? { ignored: false };
    if (entry.kind === 'example') {
      if (verdict.ignored && verdict.rule !== undefined) findings.push(exampleIgnored(entry, verdict.rule, exampleRemedy(entry, verdict.rule, git.verdicts)));
      continue;
    }
    // A file in the store folder is ignored exactly when the folder is: one verdict says it.
    const judged = entry.kind !== 'store' || entry.path === STORE_DIR;
    if (judged && !verdict.ignored) findings.push(uncovered(entry, verdict));
    if (git.tracked.has(entry.path)) {
      findings.push({
        code: 'TRACKED_SECRET_FILE', level: 'error', path: entry.path,
        message: `${entry.path} is tracked by git, so it is committed whatever .gitignore says`,
        fix: `git rm --cached -- ${shellQuote(entry.path)} keeps the file on disk; commit that, and treat what it held as leaked`,
      });
    }
  }
  return findings;
}

function uncovered(entry: SensitivePath, verdict: IgnoreVerdict): Finding {
  const base = { code: 'GITIGNORE_UNCOVERED', level: 'error', path: entry.path } as const;
  if (verdict.rule !== undefined) {
    const { source, line, pattern } = verdict.rule;
    return { ...base, message: `${entry.path} is not ignored: ${source}:${line} re-includes it with ${pattern}`, fix: `remove ${pattern} from ${source}` };
  }
  const blockRule = BLOCK_RULES[entry.path];
  const rule = ignoreRuleFor(entry);
  const notYet = entry.exists ? '' : ' (there is no such file yet, but the rule must be in place before one appears)';
  return {
    ...base,
    message: `${entry.path} is not ignored by git${notYet}`,
    fix: blockRule === undefined ? `add ${rule} to .gitignore` : `devsecrets init restores the devsecrets block in .gitignore, or add ${rule} to it`,
  };
}

/**
 * The rule that makes git ignore `entry` without touching an example file: the devsecrets
 * block's own for the always-checked paths, the bare name for an env file (never an
 * example's name), the anchored path for anything else.
 */
export function ignoreRuleFor(entry: SensitivePath): string {
  return BLOCK_RULES[entry.path] ?? (entry.kind === 'env' ? escapeRule(baseName(entry.path)) : `/${escapeRule(entry.path)}`);
}

/** Whether the devsecrets block's standard rules are what covers `entry`. */
export function isBlockPath(entry: SensitivePath): boolean {
  return entry.path in BLOCK_RULES;
}

/**
 * How an ignored example can be made visible again: a negation after the rule that hides
 * it, or — when a folder above it is ignored, since git never re-includes a file inside an
 * ignored folder — a change to the rule that ignores that folder.
 */
export type ExampleRemedy =
  /** Add `rule` to `source` (relative to the project root) after line `afterLine`, or at its end. */
  | { kind: 'negation'; source: string; afterLine?: number; rule: string }
  | { kind: 'folder'; folder: string; verdict: IgnoreVerdict & { rule: NonNullable<IgnoreVerdict['rule']> } };

/** The remedy for `entry`, an example ignored by `rule`; `verdicts` holds those of the folders above it. */
export function exampleRemedy(entry: SensitivePath, rule: NonNullable<IgnoreVerdict['rule']>, verdicts: ReadonlyMap<string, IgnoreVerdict>): ExampleRemedy {
  for (let at = entry.path.indexOf('/'); at !== -1; at = entry.path.indexOf('/', at + 1)) {
    const folder = entry.path.slice(0, at + 1);
    const verdict = verdicts.get(folder);
    if (verdict?.ignored === true && verdict.rule !== undefined) return { kind: 'folder', folder, verdict: { ...verdict, rule: verdict.rule } };
  }
  // A negation only wins from the same ignore file or a deeper one; info/exclude and the
  // global excludes file lose to any .gitignore, so the root one will do for them.
  const inTree = /(?:^|\/)\.gitignore$/.test(rule.source) && !rule.source.startsWith('/');
  const folder = inTree ? rule.source.slice(0, -'.gitignore'.length) : undefined;
  if (folder !== undefined && entry.path.startsWith(folder)) {
    return { kind: 'negation', source: rule.source, afterLine: rule.line, rule: `!/${escapeRule(entry.path.slice(folder.length))}` };
  }
  return { kind: 'negation', source: '.gitignore', rule: `!/${escapeRule(entry.path)}` };
}

function exampleIgnored(entry: SensitivePath, rule: NonNullable<IgnoreVerdict['rule']>, remedy: ExampleRemedy): Finding {
  let fix: string;
  if (remedy.kind === 'negation') {
    fix = `add ${remedy.rule} to ${remedy.source}${remedy.afterLine === undefined ? '' : ` after line ${remedy.afterLine}`}`;
  } else {
    const { source, line, pattern } = remedy.verdict.rule;
    fix = `git never re-includes a file inside an ignored folder: change ${source}:${line} (${pattern}) to ignore what is in ${remedy.folder} rather than the folder itself, then re-include ${entry.path} with a negation`;
  }
  return {
    code: 'EXAMPLE_IGNORED', level: 'warn', path: entry.path,
    message: `${entry.path} is ignored by ${rule.source}:${rule.line} (${rule.pattern}), but the team needs it committed`,
    fix,
  };
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** A path as a gitignore pattern matching only itself: wildcards escaped, and a leading `#`/`!` and trailing spaces kept literal. */
function escapeRule(path: string): string {
  return path.replace(/[\\*?[]/g, '\\$&').replace(/^[#!]/, '\\$&').replace(/ +$/, (spaces) => spaces.replace(/ /g, '\\ '));
}
