/**
 * What a failed command prints, and the exit code it earns. Shared by the fast `run` path
 * and the full program, which are bundled apart: each recognises its own errors.
 */
import { DevsecretsError, ExitCode } from '../core/errors.js';
import type { Report } from '../core/findings.js';
import type { Output } from './output.js';

/** Reports `error` on `output` and returns the exit code for it. */
export function reportFailure(error: unknown, argv: readonly string[], output: Output): number {
  if (error instanceof DevsecretsError) {
    // `run` has no --json: one after its command belongs to the child.
    if (argv[2] !== 'run' && argv.includes('--json')) output.json(errorReport(error));
    output.error(error);
    return error.exitCode;
  }
  // An unexpected error's message may quote data it choked on, so it is shown only on request.
  const detail = process.env.DEVSECRETS_DEBUG === '1' ? `: ${(error as Error)?.stack ?? String(error)}` : '';
  process.stderr.write(`devsecrets: error: unexpected failure (${(error as Error)?.name ?? 'unknown'})${detail}\n`);
  process.stderr.write('devsecrets: hint: this is a bug in devsecrets; rerun with DEVSECRETS_DEBUG=1 and report it\n');
  return ExitCode.failure;
}

/** An error as the `--json` findings document, so scripts always get one shape. */
export function errorReport(error: DevsecretsError): Report {
  const base = { code: error.code, level: 'error' as const, ...(error.path ? { path: error.path } : {}), ...(error.hint ? { fix: error.hint } : {}) };
  const findings = error.issues.length === 0
    ? [{ ...base, message: error.message }]
    : error.issues.map((issue) => ({ ...base, message: issue.var ? `${issue.var}: ${issue.message}` : issue.message, ...(issue.var ? { var: issue.var } : {}) }));
  return { ok: false, findings } as Report;
}
