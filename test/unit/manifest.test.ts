import { describe, expect, it } from 'vitest';
import { DevsecretsError } from '../../src/core/errors.js';
import { parseManifest } from '../../src/core/manifest.js';

function parse(document: unknown): ReturnType<typeof parseManifest> {
  return parseManifest(typeof document === 'string' ? document : JSON.stringify(document, null, 2), '/p/devsecrets.json', '/p');
}

function failure(document: unknown): DevsecretsError {
  try {
    parse(document);
  } catch (error) {
    expect(error).toBeInstanceOf(DevsecretsError);
    return error as DevsecretsError;
  }
  throw new Error('expected the manifest to be refused');
}

describe('parseManifest', () => {
  it('accepts the manifest of the design document', () => {
    const manifest = parse({
      $schema: './node_modules/devsecrets/manifest.schema.json',
      version: 3,
      ttl: '30d',
      forbid: ['*.prod.example.com', '/sk_live_[A-Za-z0-9]+/'],
      vars: {
        DATABASE_URL: { type: 'url', protocols: ['postgresql', 'postgres'], params: { sslmode: 'require' }, secret: true },
        API_TIMEOUT: { type: 'int', min: 1, max: 120, default: 30 },
        STRIPE_KEY: { type: 'token', prefix: 'sk_test_', length: 32, secret: true },
        JWT_PRIVATE_KEY: { type: 'private-key', algorithm: 'rsa', minBits: 2048, secret: true },
        SESSION_KEY: { type: 'bytes', encoding: 'base64', length: 32, secret: true },
        LOG_LEVEL: { type: 'enum', values: ['debug', 'info', 'warn', 'error'], default: 'info' },
      },
    });
    expect(manifest.version).toBe(3);
    expect(manifest.ttlMs).toBe(30 * 24 * 3600 * 1000);
    expect(Object.keys(manifest.vars)).toHaveLength(6);
    expect(manifest.forbid.map((rule) => rule.source)).toEqual(['*.prod.example.com', '/sk_live_[A-Za-z0-9]+/']);
    expect(manifest.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('defaults version to 1 and ttl to 30d', () => {
    const manifest = parse({ vars: { PORT: { type: 'port' } } });
    expect(manifest.version).toBe(1);
    expect(manifest.ttl).toBe('30d');
  });

  it.each([
    ['{\n  "vars": {\n    "A": { "type": "int", }\n  }\n}', 'line 3, column 27'],
    ['{\n  "vars": {\n    "A": { "secret": tru }\n  }\n}', 'line 3, column 25'],
    ['{\n  "vars": {', 'line 2, column 12'],
    ['{"vars": {}} x', 'line 1, column 14'],
  ])('names the line and column of a JSON syntax error (%#)', (text, where) => {
    const error = failure(text);
    expect(error.code).toBe('MANIFEST_INVALID');
    expect(error.exitCode).toBe(3);
    expect(error.message).toContain(where);
  });

  it('reports every problem at once, each with its variable', () => {
    const error = failure({
      vars: {
        UNKNOWN_FIELD: { type: 'string', colour: 'red' },
        UNKNOWN_TYPE: { type: 'banana' },
        SECRET_DEFAULT: { type: 'string', secret: true, default: 'x' },
        Foo: { type: 'string' },
        FOO: { type: 'string' },
        BAD_REGEX: { type: 'string', pattern: '([a-z' },
        MIN_MAX: { type: 'int', min: 10, max: 1 },
      },
    });
    const named = error.issues.map((issue) => issue.var);
    expect(named).toEqual(expect.arrayContaining(['UNKNOWN_FIELD', 'UNKNOWN_TYPE', 'SECRET_DEFAULT', 'FOO', 'BAD_REGEX', 'MIN_MAX']));
    expect(error.issues.find((issue) => issue.var === 'UNKNOWN_FIELD')?.message).toContain('"colour"');
  });

  it('refuses unknown top-level fields and bad names', () => {
    expect(failure({ vars: {}, extra: 1 }).issues[0]?.message).toContain('"extra"');
    expect(failure({ vars: { '1BAD': { type: 'string' } } }).issues.length).toBeGreaterThan(0);
  });

  it('refuses an invalid forbid regex', () => {
    expect(failure({ forbid: ['/([/'], vars: {} }).issues[0]?.message).toMatch(/forbid\[0\]/);
  });

  it('refuses malformed jwt, url list, hostname and fake options, and regexes outside RE2, each named', () => {
    const error = failure({
      forbid: ['/(?=a)b/', '/a/x'],
      vars: {
        BAD_ALG: { type: 'jwt', alg: 'RS256' },
        BAD_SIGNER_NAME: { type: 'jwt', signedWith: 'not a name' },
        BAD_CLAIM_VALUE: { type: 'jwt', claims: { role: { admin: true } } },
        EMPTY_CLAIM_NAME: { type: 'jwt', claims: { '': 'x' } },
        NO_REQUIRED_CLAIMS: { type: 'jwt', requiredClaims: [] },
        LOADER_SIGNER: { type: 'jwt', signedWith: 'NODE_OPTIONS' },
        NODE_OPTIONS: { type: 'string', loaderControl: true, required: false },
        REQUIRED_NO_FAKE: { type: 'string', fake: false },
        BAD_LIST: { type: 'url', list: 'yes' },
        BAD_DOT: { type: 'hostname', leadingDot: 1 },
        LOOKAHEAD: { type: 'string', pattern: '(?=a)a' },
        BACKREFERENCE: { type: 'string', pattern: '(a)\\1' },
      },
    });
    expect(error.code).toBe('MANIFEST_INVALID');
    expect(error.exitCode).toBe(3);
    const messages = error.issues.map((issue) => `${issue.var ?? '-'}: ${issue.message}`);
    expect(messages).toEqual(expect.arrayContaining([
      'BAD_ALG: alg: must be one of "HS256", "HS384", "HS512"',
      'BAD_SIGNER_NAME: signedWith: must be a variable name',
      'BAD_CLAIM_VALUE: claims.role: must be a string, a number, true or false',
      'EMPTY_CLAIM_NAME: claims must not have an empty name',
      'NO_REQUIRED_CLAIMS: requiredClaims: must not be empty',
      'LOADER_SIGNER: signedWith: NODE_OPTIONS gets no fake, so devsecrets could not sign this token',
      'BAD_LIST: list: must be true or false',
      'BAD_DOT: leadingDot: must be true or false',
    ]));
    expect(messages).toContainEqual(expect.stringMatching(/^REQUIRED_NO_FAKE: "fake": false needs "required": false/));
    expect(messages).toContainEqual(expect.stringMatching(/^LOOKAHEAD: pattern uses a lookahead/));
    expect(messages).toContainEqual(expect.stringMatching(/^BACKREFERENCE: pattern uses a backreference/));
    expect(messages).toContainEqual(expect.stringMatching(/^-: forbid\[0\]: "\/\(\?=a\)b\/" uses a lookahead/));
    expect(messages).toContainEqual('-: forbid[1]: "/a/x" has an unsupported or repeated flag x (the flags that matter are i, m and s)');
    expect(error.issues).toHaveLength(13);
  });

  it('refuses lengths and key sizes no fake could be made of in reasonable time, each named', () => {
    const error = failure({
      vars: {
        HUGE_TOKEN: { type: 'token', length: 1_000_000_000 },
        HUGE_BYTES: { type: 'bytes', length: 65_537 },
        HUGE_TEXT: { type: 'string', minLength: 100_000 },
        HUGE_KEY: { type: 'private-key', algorithm: 'rsa', minBits: 1_000_000 },
        FINE: { type: 'token', length: 65_536 },
      },
    });
    expect(error.code).toBe('MANIFEST_INVALID');
    const named = error.issues.map((issue) => issue.var);
    expect(named).toEqual(expect.arrayContaining(['HUGE_TOKEN', 'HUGE_BYTES', 'HUGE_TEXT', 'HUGE_KEY']));
    expect(named).not.toContain('FINE');
    expect(error.issues.find((issue) => issue.var === 'HUGE_TOKEN')?.message).toContain('65536');
  });

  it('digests content, not formatting', () => {
    const a = parseManifest('{"vars":{"A":{"type":"int","min":1}}}', '/p/m.json', '/p');
    const b = parseManifest('{\n  "vars": { "A": { "min": 1, "type": "int" } }\n}\n', '/p/m.json', '/p');
    const c = parseManifest('{"vars":{"A":{"type":"int","min":2}}}', '/p/m.json', '/p');
    expect(a.digest).toBe(b.digest);
    expect(a.digest).not.toBe(c.digest);
  });
});
