// Production values become shapes only: nothing of a value may reach the manifest.
import { describe, expect, it } from 'vitest';
import { inferFromProduction } from '../../src/core/infer-production.js';
import { compileValidator } from '../../src/core/types/index.js';

describe('inferFromProduction', () => {
  it('keeps a vendor prefix before a long random rest, and accepts the value it came from', () => {
    const value = `sk_live_${'A1b2C3d4'.repeat(3)}`;
    const { document } = inferFromProduction({ STRIPE_SECRET_KEY: value }, 'schema.json');
    expect(document.vars.STRIPE_SECRET_KEY).toMatchObject({ type: 'token', prefix: 'sk_live_', secret: true });
    expect(compileValidator(document.vars.STRIPE_SECRET_KEY!)(value)).toBeUndefined();
  });

  it('drops a "prefix" that would be most of a short secret, and still accepts the value', () => {
    const value = 'blue_sky_nine_W4x';
    const { document, vars } = inferFromProduction({ SESSION_SECRET: value }, 'schema.json');
    const spec = document.vars.SESSION_SECRET!;
    expect(spec).toMatchObject({ type: 'token', secret: true });
    expect(spec).not.toHaveProperty('prefix');
    expect(JSON.stringify(document)).not.toMatch(/blue|sky|nine/);
    expect(compileValidator(spec)(value)).toBeUndefined();
    expect(vars[0]!.reasons).toContain('prefix dropped: before so short a rest it would be most of a production value');
  });
});
