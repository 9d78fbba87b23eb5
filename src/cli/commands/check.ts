/** `devsecrets check [--env local|production] [--env-file FILE] [--json]` — the pre-deploy gate: no store, no identity. */
import { resolve } from 'node:path';
import { ExitCode } from '../../core/errors.js';
import type { Side } from '../../core/evaluate.js';
import { checkEnvironment, toReport } from '../../core/findings.js';
import { readEnvFileValues } from '../../adapters/env-file.js';
import { loadManifest } from '../../adapters/manifest-file.js';
import type { CommandContext } from '../context.js';

export interface CheckOptions {
  env?: Side;
  envFile?: string;
}

export default async function check(context: CommandContext, options: CheckOptions): Promise<number> {
  const manifest = await loadManifest(context.cwd, context.manifestPath);
  let values: Record<string, string | undefined> = context.env;
  let source = 'the environment';
  if (options.envFile !== undefined) {
    values = readEnvFileValues(resolve(context.cwd, options.envFile));
    source = options.envFile;
  }
  const report = toReport(checkEnvironment(manifest, values, source, options.env ?? 'local'));
  if (context.json) context.output.json(report);
  else context.output.findings(report);
  return report.ok ? ExitCode.ok : ExitCode.failure;
}
