/**
 * `devsecrets check [--env local|production] [--env-file FILE | --from PROVIDER_REF] [--json]`
 * — the pre-deploy gate: no store, no identity. Values from a provider are judged under the
 * production rules (a `mock://` provider's fakes under the local ones) and stay in memory.
 */
import { resolve } from 'node:path';
import { DevsecretsError, ExitCode } from '../../core/errors.js';
import type { Side } from '../../core/evaluate.js';
import { checkEnvironment, inventoryDrift, toReport, type Finding } from '../../core/findings.js';
import { readEnvFileValues } from '../../adapters/env-file.js';
import { loadManifest } from '../../adapters/manifest-file.js';
import type { CommandContext } from '../context.js';

export interface CheckOptions {
  env?: Side;
  envFile?: string;
  from?: string;
}

export default async function check(context: CommandContext, options: CheckOptions): Promise<number> {
  if (options.envFile !== undefined && options.from !== undefined) {
    throw new DevsecretsError('USAGE', '--env-file and --from name two sources; check one at a time', { hint: 'devsecrets check --from aws-sm://prod/app, or --env-file FILE' });
  }
  const manifest = await loadManifest(context.cwd, context.manifestPath);
  const findings: Finding[] = [];
  if (options.from !== undefined) {
    const { parseProviderRef, readProvider } = await import('../../adapters/providers/index.js');
    const ref = parseProviderRef(options.from);
    const side = options.env ?? (ref.scheme === 'mock' ? 'local' : 'production');
    const { values } = await readProvider(ref, { manifest, env: context.env });
    findings.push(...checkEnvironment(manifest, values, ref.text, side), ...inventoryDrift(manifest, values, ref.text));
  } else if (options.envFile !== undefined) {
    findings.push(...checkEnvironment(manifest, readEnvFileValues(resolve(context.cwd, options.envFile)), options.envFile, options.env ?? 'local'));
  } else {
    findings.push(...checkEnvironment(manifest, context.env, 'the environment', options.env ?? 'local'));
  }
  const report = toReport(findings);
  if (context.json) context.output.json(report);
  else context.output.findings(report);
  return report.ok ? ExitCode.ok : ExitCode.failure;
}
