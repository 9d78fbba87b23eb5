/**
 * `devsecrets doctor [--json] [--fix] [--staged]` — drift between manifest and store, values that
 * cannot be trusted, `.gitignore` gaps and tracked secret files as git decides them,
 * secrets in tracked files, file modes and plaintext shadows. With `--staged` (the
 * pre-commit hook), only what the commit would add: staged secret files and secrets in the
 * staged content. Read-only, but for `--fix`, which first does what is safe (see
 * `planFixes`), looking again after each round of fixes until nothing fixable is left, and
 * then reports what is left. Exit 1 when any finding is an error.
 */
import { diagnose, planFixes, type DoctorFacts, type ExampleNegation, type FixPlan, type Negation } from '../../core/doctor/index.js';
import type { Approved } from '../../adapters/doctor-fix.js';
import { ExitCode } from '../../core/errors.js';
import { gatherDoctorFacts } from '../../adapters/doctor-facts.js';
import type { CommandContext } from '../context.js';

/** `doctor`'s own options. */
export interface DoctorOptions {
  staged?: boolean;
  fix?: boolean;
  yes?: boolean;
}

/** Passes of fix and look again: each may make the next possible (a mode fixed lets the store open). */
const MAX_FIX_PASSES = 4;

/**
 * A project's own rules are changed only with a person's yes, one by one, on a terminal;
 * each is asked about once per run (`asked` remembers).
 */
async function approve(context: CommandContext, plan: FixPlan, asked: Set<string>): Promise<Approved> {
  if (context.json || !process.stdin.isTTY) return { negations: [], exampleNegations: [] };
  const unasked = <T>(items: readonly T[], key: (item: T) => string): T[] => {
    const fresh = items.filter((item) => !asked.has(key(item)));
    for (const item of fresh) asked.add(key(item));
    return fresh;
  };
  const negations = unasked(plan.negations, (negation) => `remove ${negation.source}:${negation.line}:${negation.pattern}`);
  const examples = unasked(plan.exampleNegations, (negation) => `add ${negation.source}:${negation.rule}`);
  if (negations.length + examples.length === 0) return { negations: [], exampleNegations: [] };
  const { confirm } = await import('../prompt.js');
  const approved = { negations: [] as Negation[], exampleNegations: [] as ExampleNegation[] };
  for (const negation of negations) {
    if (await confirm(`${negation.path} is re-included by ${negation.source}:${negation.line} (${negation.pattern}); remove that line?`)) approved.negations.push(negation);
  }
  for (const negation of examples) {
    const where = negation.afterLine === undefined ? negation.source : `${negation.source} after line ${negation.afterLine}`;
    const { source, line, pattern } = negation.ignoredBy;
    if (await confirm(`${negation.path} is ignored by ${source}:${line} (${pattern}); add ${negation.rule} to ${where}?`)) approved.exampleNegations.push(negation);
  }
  return approved;
}

export default async function doctor(context: CommandContext, options: DoctorOptions): Promise<number> {
  const gather = (): Promise<DoctorFacts> => gatherDoctorFacts({
    cwd: context.cwd, manifestPath: context.manifestPath, env: context.env, now: new Date(), staged: options.staged === true,
  });
  let facts = await gather();
  if (options.fix === true) {
    const { applyFixes } = await import('../../adapters/doctor-fix.js');
    const { templateIgnoreRules } = await import('../../adapters/project-files.js');
    const asked = new Set<string>();
    // Until nothing fixable is left: what is left is judged afresh, so the report shows only what still needs a person.
    for (let pass = 0; pass < MAX_FIX_PASSES; pass += 1) {
      const manifest = facts.manifest.kind === 'valid' ? facts.manifest.manifest : undefined;
      const plan = planFixes(facts, templateIgnoreRules(), options.yes === true);
      const done = await applyFixes(facts.root, manifest, context.env, plan, await approve(context, plan, asked));
      for (const line of done) context.output.info(`fixed: ${line}`);
      if (done.length === 0) break;
      facts = await gather();
    }
  }
  const report = diagnose(facts);
  if (context.json) context.output.json(report);
  else context.output.findings(report);
  return report.ok ? ExitCode.ok : ExitCode.failure;
}
