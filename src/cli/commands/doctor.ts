/**
 * `devsecrets doctor [--json] [--fix] [--staged]` — drift between manifest and store, values that
 * cannot be trusted, `.gitignore` gaps and tracked secret files as git decides them,
 * secrets in tracked files, file modes and plaintext shadows. With `--staged` (the
 * pre-commit hook), only what the commit would add: staged secret files and secrets in the
 * staged content. Read-only, but for `--fix`, which first does what is safe (see
 * `planFixes`) and then reports what is left. Exit 1 when any finding is an error.
 */
import { diagnose, planFixes, type DoctorFacts, type Negation } from '../../core/doctor/index.js';
import { ExitCode } from '../../core/errors.js';
import { gatherDoctorFacts } from '../../adapters/doctor-facts.js';
import type { CommandContext } from '../context.js';

/** `doctor`'s own options. */
export interface DoctorOptions {
  staged?: boolean;
  fix?: boolean;
  yes?: boolean;
}

/** A project's own negations are undone only with a person's yes, one by one, on a terminal. */
async function approveNegations(context: CommandContext, negations: readonly Negation[]): Promise<Negation[]> {
  if (negations.length === 0 || context.json || !process.stdin.isTTY) return [];
  const { confirm } = await import('../prompt.js');
  const approved: Negation[] = [];
  for (const negation of negations) {
    if (await confirm(`${negation.path} is re-included by ${negation.source}:${negation.line} (${negation.pattern}); remove that line?`)) approved.push(negation);
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
    const manifest = facts.manifest.kind === 'valid' ? facts.manifest.manifest : undefined;
    const plan = planFixes(facts, templateIgnoreRules(), options.yes === true);
    const done = await applyFixes(facts.root, manifest, context.env, plan, await approveNegations(context, plan.negations));
    for (const line of done) context.output.info(`fixed: ${line}`);
    // What is left is judged afresh, so the report shows only what still needs a person.
    if (done.length > 0) facts = await gather();
  }
  const report = diagnose(facts);
  if (context.json) context.output.json(report);
  else context.output.findings(report);
  return report.ok ? ExitCode.ok : ExitCode.failure;
}
