import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../../src/core/dotenv.js';
import { inferManifest } from '../../src/core/infer-manifest.js';
import { parseManifest } from '../../src/core/manifest.js';

describe('inferManifest', () => {
  it('guesses types and secrets and produces a valid manifest', () => {
    const example = [
      'PORT=3000',
      'DEBUG=false',
      'RATIO=0.5',
      'WORKERS=4',
      'CACHE_TTL=5m',
      'ADMIN_EMAIL=admin@example.com',
      'REQUEST_ID_NAMESPACE=0f8fad5b-d9cb-469f-a165-70867728950e',
      'DATABASE_URL=postgres://user:pass@localhost:5432/app?sslmode=require',
      'PUBLIC_URL=https://app.example.com',
      'STRIPE_SECRET_KEY=sk_test_123',
      'JWT_PRIVATE_KEY=',
      'APP_NAME=shop',
      'FEATURES={"beta":true,"limits":[1,2]}',
      'STRIPE_WEBHOOK_SECRET=whsec_0123456789abcdefABCDEF0123456789',
      'STRIPE_LIVE_KEY=sk_live_0123456789abcdefABCDEFgh',
      'DEPLOY_TOKEN=0123456789abcdef0123456789abcdef',
    ].join('\n');
    const document = inferManifest(parseDotenv(example, '.env.example'), './schema.json');
    expect(document.vars).toMatchObject({
      PORT: { type: 'port', default: 3000 },
      DEBUG: { type: 'bool', default: false },
      RATIO: { type: 'number', default: 0.5 },
      WORKERS: { type: 'int', default: 4 },
      CACHE_TTL: { type: 'duration', default: '5m' },
      ADMIN_EMAIL: { type: 'email' },
      REQUEST_ID_NAMESPACE: { type: 'uuid' },
      DATABASE_URL: { type: 'url', protocols: ['postgresql', 'postgres'], params: { sslmode: 'require' }, secret: true },
      PUBLIC_URL: { type: 'url', protocols: ['https'] },
      STRIPE_SECRET_KEY: { type: 'token', prefix: 'sk_test_', secret: true },
      STRIPE_WEBHOOK_SECRET: { type: 'token', prefix: 'whsec_', length: 38, secret: true },
      // Fakes never look live: the prefix is taken in its test-mode spelling.
      STRIPE_LIVE_KEY: { type: 'token', prefix: 'sk_test_', length: 32, secret: true },
      DEPLOY_TOKEN: { type: 'token', length: 32, charset: 'hex', secret: true },
      FEATURES: { type: 'json' },
      JWT_PRIVATE_KEY: { type: 'private-key', secret: true },
      APP_NAME: { type: 'string', default: 'shop' },
    });
    expect(document.vars.STRIPE_SECRET_KEY).not.toHaveProperty('default');
    expect(() => parseManifest(JSON.stringify(document), '/p/devsecrets.json', '/p')).not.toThrow();
  });
});
