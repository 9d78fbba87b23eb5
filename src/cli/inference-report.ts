/** The report of an inference (`init --from`, `manifest pull`), for the person who reviews the manifest. */
import { summarizeSpec, type InferredVar } from '../core/infer-manifest.js';
import type { Output } from './output.js';

/**
 * What `init --from` or `manifest pull` inferred, one line a variable, for the person who reviews the manifest:
 * `NEXTAUTH_SECRET  bytes(32, base64) secret  ← comment: openssl rand -base64 32`. Names,
 * types and rules only: never a value, not even a placeholder.
 */
export function reportInference(output: Output, vars: readonly InferredVar[]): void {
  if (vars.length === 0) return;
  output.info(`inferred ${vars.length} variable${vars.length === 1 ? '' : 's'} (type, and why):`);
  const nameWidth = Math.max(...vars.map(({ name }) => name.length));
  const summaries = vars.map(({ spec }) => summarizeSpec(spec));
  const summaryWidth = Math.max(...summaries.map((summary) => summary.length));
  output.detail(vars.map(({ name, reasons }, index) => {
    const why = reasons.length === 0 ? '' : `  ← ${reasons.join(', ')}`;
    return `${name.padEnd(nameWidth)}  ${summaries[index]!.padEnd(summaryWidth)}${why}`.trimEnd();
  }));
}

