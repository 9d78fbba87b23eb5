/**
 * `devsecrets doctor [--json]` — drift between manifest and store, values that cannot be
 * trusted, `.gitignore` gaps and tracked secret files as git decides them, file modes and
 * plaintext shadows. Read-only. Exit 1 when any finding is an error.
 */
import { diagnose } from '../../core/doctor/index.js';
import { ExitCode } from '../../core/errors.js';
import { gatherDoctorFacts } from '../../adapters/doctor-facts.js';
import type { CommandContext } from '../context.js';

export default async function doctor(context: CommandContext): Promise<number> {
  const facts = await gatherDoctorFacts({ cwd: context.cwd, manifestPath: context.manifestPath, env: context.env, now: new Date() });
  const report = diagnose(facts);
  if (context.json) context.output.json(report);
  else context.output.findings(report);
  return report.ok ? ExitCode.ok : ExitCode.failure;
}
