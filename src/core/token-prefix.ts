/**
 * Vendor tokens come in a live and a test spelling: Stripe's `sk_live_`/`sk_test_`,
 * `rk_live_`, `pk_live_`, and others alike. The manifest describes production, so a token's
 * `prefix` may be the live one; on the local side (fakes, values people set, `run`) the test
 * spelling stands in for it, which the live-credential guard lets through, while the
 * production side requires the prefix as the manifest writes it.
 */
import type { VarSpec } from './manifest-schema.js';

/**
 * The last `live` of a prefix when it is a segment: at the start or after `_`/`-`, and
 * followed by one of them. A last `live` inside a word (`sk_live_olive`) leaves the prefix as it is.
 */
const LAST_LIVE_SEGMENT = /(^|[_-])live(?=[_-])(?![^]*live)/;

/** The local spelling of a token prefix: its last `live` segment made `test`; other prefixes as they are. */
export function localPrefix(prefix: string): string {
  return prefix.replace(LAST_LIVE_SEGMENT, '$1test');
}

/** `spec` as the local side reads it: a token's live-shaped prefix in its test spelling. */
export function localSpec(spec: VarSpec): VarSpec {
  if (spec.type !== 'token' || spec.prefix === undefined) return spec;
  const prefix = localPrefix(spec.prefix);
  return prefix === spec.prefix ? spec : { ...spec, prefix };
}
