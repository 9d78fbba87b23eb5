/**
 * A manifest that mirrors production, as the production-parity issue describes it: a live
 * Stripe prefix and a forbid rule for the production database hosts. Tests add the
 * variables they need.
 */
export function productionManifest(vars: Record<string, object>): { version: number; forbid: string[]; vars: Record<string, object> } {
  return {
    version: 1,
    forbid: ['*.prod.acme.internal'],
    vars: {
      STRIPE_SECRET_KEY: { type: 'token', prefix: 'sk_live_', length: 32, secret: true },
      DATABASE_URL: { type: 'url', protocols: ['postgresql'], params: { sslmode: 'require' }, secret: true },
      ...vars,
    },
  };
}
