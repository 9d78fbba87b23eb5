import { describe, expect, it } from 'vitest';
import { buildChildEnv } from '../../src/core/build-child-env.js';
import { evaluateValues } from '../../src/core/evaluate.js';
import { parseManifest } from '../../src/core/manifest.js';

const manifest = parseManifest(JSON.stringify({
  vars: {
    API_TOKEN: { type: 'token', prefix: 'tok_', length: 20, secret: true },
    PORT: { type: 'port', default: 3000 },
    LOG_LEVEL: { type: 'enum', values: ['debug', 'info'], default: 'info' },
    OPTIONAL: { type: 'string', required: false },
  },
}), '/p/devsecrets.json', '/p');

const store = { API_TOKEN: 'tok_FAKEabcdefghijkl', PORT: '4000' };

describe('buildChildEnv and evaluateValues', () => {
  it('injects store values, applies defaults and drops DEVSECRETS_*', () => {
    const child = buildChildEnv({ manifest, values: store, inherited: { PATH: '/bin', DEVSECRETS_HOME: '/x', devsecrets_keychain: 'off' } });
    expect(child.env).toEqual({ PATH: '/bin', API_TOKEN: store.API_TOKEN, PORT: '4000', LOG_LEVEL: 'info' });
    const evaluation = evaluateValues(manifest, child.resolved);
    expect([...evaluation.missing, ...evaluation.invalid, ...evaluation.insecure, ...child.unknown]).toEqual([]);
  });

  it('lets the store override inherited values and names them', () => {
    const child = buildChildEnv({ manifest, values: store, inherited: { PORT: '5000', API_TOKEN: store.API_TOKEN } });
    expect(child.env.PORT).toBe('4000');
    expect(child.overridden).toEqual(['PORT']);
  });

  it('keeps inherited values with preferEnv', () => {
    const child = buildChildEnv({ manifest, values: store, inherited: { PORT: '5000' }, preferEnv: true });
    expect(child.env.PORT).toBe('5000');
    expect(child.kept).toEqual(['PORT']);
  });

  it('passes only manifest variables and essentials with isolate', () => {
    const child = buildChildEnv({ manifest, values: store, inherited: { PATH: '/bin', HOME: '/h', SECRET_OF_PARENT: 'x' }, isolate: true, platform: 'linux' });
    expect(Object.keys(child.env).sort()).toEqual(['API_TOKEN', 'HOME', 'LOG_LEVEL', 'PATH', 'PORT']);
  });

  it('collects every problem: missing, invalid, insecure, unknown', () => {
    const child = buildChildEnv({
      manifest,
      values: { PORT: '080', EXTRA: 'x' },
      inherited: { LOG_LEVEL: 'verbose', API_TOKEN: 'sk_live_abcdefghijklmnop' },
      preferEnv: true,
    });
    const evaluation = evaluateValues(manifest, child.resolved);
    expect(evaluation.invalid.map((issue) => issue.var).sort()).toEqual(['API_TOKEN', 'LOG_LEVEL', 'PORT']);
    expect(evaluation.insecure.map((issue) => issue.var)).toEqual(['API_TOKEN']);
    expect(child.unknown.map((issue) => issue.var)).toEqual(['EXTRA']);
    const text = JSON.stringify(evaluation.invalid.concat(evaluation.insecure));
    expect(text).not.toContain('sk_live_abcdefghijklmnop');
    expect(text).not.toContain('verbose');
  });

  it('reports a required variable with no value', () => {
    const child = buildChildEnv({ manifest, values: { PORT: '4000' }, inherited: {} });
    expect(evaluateValues(manifest, child.resolved).missing).toEqual([{ var: 'API_TOKEN', message: 'is required but has no value' }]);
  });
});
