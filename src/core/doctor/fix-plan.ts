/**
 * What `doctor --fix` may do on its own, decided from the facts: only changes that cannot
 * lose anything. Rules a project wrote itself — a negation re-including a sensitive path, a
 * rule hiding an example — are left for a person to weigh; values a person set are never touched; tracked files are never removed (the
 * finding prints the `git rm --cached` command instead).
 */
import type { Manifest } from '../manifest-model.js';
import { fakeableVars, generatedVar, getsFake } from '../seed-store.js';
import { seedOf, type StoreDocument } from '../store-document.js';
import { syncDocument } from '../sync-store.js';
import type { DoctorFacts } from './facts.js';
import { exampleRemedy, ignoreRuleFor, isBlockPath } from './git-checks.js';
import { staleSchemaFiles, type StaleSchemaFile } from './schema-checks.js';
import { STORE_DIR } from './sensitive-paths.js';

export interface FixPlan {
  /** Rules the devsecrets block of the root `.gitignore` must hold, besides those it has. */
  ignoreRules: string[];
  /** Absolute paths and the mode each should have. */
  permissions: { path: string; mode: number }[];
  /**
   * The store needs missing variables seeded, or its manifest stamp brought up to date where
   * a sync would only add fakes (see `syncSafely`).
   */
  sync: boolean;
  /** Store variables the manifest does not declare, to remove (only when the user said `--yes`). */
  extras: string[];
  /**
   * The project's own rules that re-include a sensitive path (`!.env`), in files inside the
   * project: undone only when a person agrees, one by one.
   */
  negations: Negation[];
  /**
   * Negations that would make visible an example file the project's own rules (or git's
   * exclude files) hide: added only when a person agrees, one by one. An example inside an
   * ignored folder is not offered: git cannot re-include it with a negation.
   */
  exampleNegations: ExampleNegation[];
  /** Generated files to write again from the manifest (only files carrying devsecrets' marker). */
  schemaFiles: StaleSchemaFile[];
}

/** A negation rule that keeps a sensitive path out of git's ignore list. */
export interface Negation {
  path: string;
  /** The ignore file, relative to the project root. */
  source: string;
  line: number;
  pattern: string;
}

/** A negation to add so that git stops ignoring an example file. */
export interface ExampleNegation {
  /** The example file, relative to the project root. */
  path: string;
  /** The rule that hides it now. */
  ignoredBy: { source: string; line: number; pattern: string };
  /** The ignore file to add `rule` to, relative to the project root. */
  source: string;
  /** Add it right after this line (which holds `ignoredBy.pattern`), or else at the end. */
  afterLine?: number;
  rule: string;
}

/**
 * The fixes for `facts`; `templateRules` are the block's standard rules, added when a path
 * they cover is not ignored, or when one of the block's rules hides an example (the
 * template re-includes every example name). Removing store variables the manifest dropped
 * loses their values, so it is planned only with `dropExtras` (`--fix --yes`).
 */
export function planFixes(facts: DoctorFacts, templateRules: readonly string[], dropExtras = false): FixPlan {
  const ignoreRules = new Set<string>();
  const negations: Negation[] = [];
  const exampleNegations: ExampleNegation[] = [];
  if (facts.git.kind === 'checked') {
    const { verdicts, block } = facts.git;
    for (const entry of facts.git.paths) {
      const rule = verdicts.get(entry.path)?.rule;
      const inProject = rule !== undefined && !rule.source.startsWith('..') && !rule.source.startsWith('/');
      if (entry.kind !== 'example' && inProject && rule.pattern.startsWith('!')) negations.push({ path: entry.path, ...rule });
    }
    // Uncovered and not re-included on purpose: no rule matched at all.
    const unruled = facts.git.paths.filter((entry) => {
      const verdict = verdicts.get(entry.path) ?? { ignored: false };
      const judged = entry.kind !== 'example' && (entry.kind !== 'store' || entry.path === STORE_DIR);
      return judged && !verdict.ignored && verdict.rule === undefined;
    });
    // The block's unanchored `.env` and `.env.*` then cover every env file at any depth.
    const addTemplate = unruled.some(isBlockPath);
    if (addTemplate) for (const rule of templateRules) ignoreRules.add(rule);
    for (const entry of unruled) if (!isBlockPath(entry) && !(addTemplate && entry.kind === 'env')) ignoreRules.add(ignoreRuleFor(entry));
    for (const entry of facts.git.paths) {
      const verdict = verdicts.get(entry.path);
      if (entry.kind !== 'example' || verdict?.ignored !== true || verdict.rule === undefined) continue;
      const remedy = exampleRemedy(entry, verdict.rule, verdicts);
      if (remedy.kind !== 'negation') continue;
      const inBlock = block !== undefined && verdict.rule.source === '.gitignore' && verdict.rule.line > block.start && verdict.rule.line < block.end;
      if (!inBlock) {
        exampleNegations.push({ path: entry.path, ignoredBy: verdict.rule, source: remedy.source, ...(remedy.afterLine === undefined ? {} : { afterLine: remedy.afterLine }), rule: remedy.rule });
      } else if (templateRules.some((rule) => !block.rules.includes(rule))) {
        // An older block: today's template re-includes every example name.
        for (const rule of templateRules) ignoreRules.add(rule);
      } else {
        // The block's own rules are devsecrets' to change: a negation at its end wins.
        ignoreRules.add(remedy.rule);
      }
    }
  }
  const permissions = facts.permissions.map((fact) => ({ path: fact.path, mode: fact.expected }));
  let sync = false;
  let extras: string[] = [];
  const schemaFiles = facts.manifest.kind === 'valid' ? staleSchemaFiles(facts.manifest.manifest, facts.schemaFiles) : [];
  if (facts.manifest.kind === 'valid' && facts.store.kind === 'open') {
    const { manifest } = facts.manifest;
    const { document } = facts.store;
    // Only a person fills a variable that gets no fake: planning a sync for one would never end.
    const missing = Object.entries(manifest.vars).some(([name, spec]) => document.vars[name] === undefined && spec.required !== false && getsFake(name, spec));
    const stale = document.manifest.version !== manifest.version || document.manifest.digest !== manifest.digest;
    sync = missing || (stale && onlyAddsFakes(document, manifest, facts.now));
    if (dropExtras) extras = Object.keys(document.vars).filter((name) => !(name in manifest.vars));
  }
  return { ignoreRules: [...ignoreRules], permissions, sync, extras, negations, exampleNegations, schemaFiles };
}

/**
 * Whether a full sync would only add fakes and restamp (removing the fake of a variable that
 * gets none loses nothing): no other value dropped, replaced or kept invalid.
 */
function onlyAddsFakes(document: StoreDocument, manifest: Manifest, now: Date): boolean {
  const trial = syncDocument(structuredClone(document), manifest, now);
  return trial.removed.length + trial.regenerated.length + trial.invalidKept.length === 0;
}

/**
 * `sync` when all it would do is add fakes (and remove the fakes of variables that get none,
 * which loses nothing) and restamp the manifest; otherwise (it would drop extras or replace
 * values) only the missing variables get fresh fakes and the stamp stays, so `doctor` keeps
 * pointing at `devsecrets sync`. Loader-control variables and those declared `"fake": false`
 * never get a fake. Edits `document` in place.
 * @returns the variables seeded, the loader-control fakes removed, and whether the store is
 * now synced with the manifest.
 */
export function syncSafely(document: StoreDocument, manifest: Manifest, now: Date): { seeded: string[]; dropped: string[]; synced: boolean } {
  if (onlyAddsFakes(document, manifest, now)) {
    const { added, dropped } = syncDocument(document, manifest, now);
    return { seeded: added, dropped, synced: true };
  }
  const seed = seedOf(document);
  const seeded: string[] = [];
  for (const [name, spec] of fakeableVars(manifest)) {
    if (document.vars[name] !== undefined) continue;
    document.vars[name] = generatedVar(name, spec, seed, now, (other) => document.vars[other]?.value);
    seeded.push(name);
  }
  return { seeded, dropped: [], synced: false };
}
