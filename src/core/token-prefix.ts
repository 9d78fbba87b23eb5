/**
 * Vendor tokens come in a live and a test spelling: Stripe's `sk_live_`/`sk_test_`,
 * `rk_live_`, `pk_live_`, and others alike. The manifest describes production, so a token's
 * `prefix` may be the live one; on the local side (fakes, values people set, `run`) the test
 * spelling stands in for it, which the live-credential guard lets through, while the
 * production side requires the prefix as the manifest writes it.
 */
import type { VarSpec } from './manifest-schema.js';

/** A `live` segment of a prefix: at its start or after `_`/`-`, and followed by one of them. */
const LIVE_SEGMENT = /(^|[_-])live([_-])/;

/** The local spelling of a token prefix: its last `live` segment made `test`; other prefixes as they are. */
export function localPrefix(prefix: string): string {
  const at = prefix.lastIndexOf('live');
  if (at < 0) return prefix;
  const tail = prefix.slice(Math.max(0, at - 1));
  return LIVE_SEGMENT.test(tail) ? `${prefix.slice(0, Math.max(0, at - 1))}${tail.replace(LIVE_SEGMENT, '$1test$2')}` : prefix;
}

/** `spec` as the local side reads it: a token's live-shaped prefix in its test spelling. */
export function localSpec(spec: VarSpec): VarSpec {
  if (spec.type !== 'token' || spec.prefix === undefined) return spec;
  const prefix = localPrefix(spec.prefix);
  return prefix === spec.prefix ? spec : { ...spec, prefix };
}
