import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DevsecretsError } from '../../src/core/errors.js';
import type { VarSpec } from '../../src/core/manifest-schema.js';
import { parseDurationMs } from '../../src/core/duration-text.js';
import {
  checkSpec,
  compileValidator,
  fakeTag,
  generateFake,
  maskValue,
  verifyFake,
} from '../../src/core/types/index.js';

const SEED = new Uint8Array(32).fill(7);
const PLANTED = 'PLANTEDs3cr3tVALUE42';

function reason(spec: VarSpec, value: string): string | undefined {
  return compileValidator(spec)(value);
}

function pem(type: 'rsa' | 'ec' | 'ed25519', options: object = {}): string {
  const pair =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 1024, ...options })
      : type === 'ec'
        ? generateKeyPairSync('ec', { namedCurve: 'prime256v1', ...options })
        : generateKeyPairSync('ed25519');
  return pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

describe('validators', () => {
  it('string: bounds and a whole-value pattern', () => {
    const spec: VarSpec = { type: 'string', minLength: 2, maxLength: 5, pattern: '[a-z]+' };
    expect(reason(spec, 'abc')).toBeUndefined();
    expect(reason(spec, 'a')).toBe('must be at least 2 characters');
    expect(reason(spec, 'abcdef')).toBe('must be at most 5 characters');
    expect(reason(spec, 'ab1')).toBe('must match the pattern [a-z]+');
    expect(reason({ type: 'string', pattern: 'a|b' }, 'ab')).toBe('must match the pattern a|b');
    expect(reason({ type: 'string', pattern: '(' }, 'x')).toBe('cannot be checked: the pattern in the manifest is invalid');
  });

  it('int: canonical decimals in range only', () => {
    const spec: VarSpec = { type: 'int', min: 1, max: 120 };
    for (const good of ['1', '30', '120']) expect(reason(spec, good)).toBeUndefined();
    for (const bad of ['0', '121', '+5', '05', ' 5', '5 ', '1e2', '5.0', '', 'abc', '0x10']) {
      expect(reason(spec, bad)).toBe('must be an integer from 1 to 120');
    }
    expect(reason({ type: 'int' }, '-0')).toBe('must be an integer');
    expect(reason({ type: 'int' }, '-42')).toBeUndefined();
    expect(reason({ type: 'int' }, '9007199254740993')).toBe('must be an integer');
    expect(reason({ type: 'int', min: 3 }, '2')).toBe('must be an integer of at least 3');
    expect(reason({ type: 'int', max: 3 }, '4')).toBe('must be an integer of at most 3');
  });

  it('number: finite decimals in range', () => {
    const spec: VarSpec = { type: 'number', min: 0.5, max: 2 };
    for (const good of ['0.5', '1', '1.25', '2', '1e0', '15E-1']) expect(reason(spec, good)).toBeUndefined();
    for (const bad of ['0.4', '3', '.5', '1.', '+1', '01', 'NaN', 'Infinity', '1,5']) {
      expect(reason(spec, bad)).toBe('must be a number from 0.5 to 2');
    }
    expect(reason({ type: 'number' }, '1e999')).toBe('must be a number');
  });

  it('bool: exactly true or false', () => {
    expect(reason({ type: 'bool' }, 'true')).toBeUndefined();
    expect(reason({ type: 'bool' }, 'false')).toBeUndefined();
    for (const bad of ['TRUE', '1', 'yes', '']) expect(reason({ type: 'bool' }, bad)).toBe('must be true or false');
  });

  it('port: canonical 1..65535', () => {
    for (const good of ['1', '80', '65535']) expect(reason({ type: 'port' }, good)).toBeUndefined();
    for (const bad of ['0', '65536', '080', '-1', '8080 ']) {
      expect(reason({ type: 'port' }, bad)).toBe('must be a port number from 1 to 65535');
    }
  });

  it('enum: case-sensitive membership', () => {
    const spec: VarSpec = { type: 'enum', values: ['debug', 'info'] };
    expect(reason(spec, 'info')).toBeUndefined();
    expect(reason(spec, 'INFO')).toBe('must be one of: debug, info');
  });

  it('url: protocols, required params and host patterns', () => {
    const spec: VarSpec = {
      type: 'url',
      protocols: ['postgresql', 'postgres'],
      params: { sslmode: 'require' },
      host: ['localhost', '*.db.example.com'],
    };
    expect(reason(spec, 'postgresql://u:p@localhost:5432/app?sslmode=require')).toBeUndefined();
    expect(reason(spec, 'postgres://u:p@a.b.db.example.com/app?sslmode=require')).toBeUndefined();
    expect(reason(spec, 'not a url')).toBe('must be a valid url');
    expect(reason(spec, ' postgresql://localhost/app?sslmode=require')).toBe('must be a valid url');
    expect(reason(spec, 'mysql://localhost/app?sslmode=require')).toBe('must be a postgresql or postgres url');
    expect(reason(spec, 'postgresql://localhost/app')).toBe('must use sslmode=require');
    expect(reason(spec, 'postgresql://localhost/app?sslmode=disable')).toBe('must use sslmode=require');
    expect(reason(spec, 'postgresql://db.example.com/app?sslmode=require')).toBe(
      'must have a host matching one of: localhost, *.db.example.com',
    );
    expect(reason({ type: 'url', protocols: ['amqp'] }, 'https://x.test/')).toBe('must be an amqp url');
    expect(reason({ type: 'url', host: ['*.example.com'] }, 'https://example.com/')).toBe(
      'must have a host matching *.example.com',
    );
    expect(reason({ type: 'url' }, 'HTTPS://API.EXAMPLE.COM/x')).toBeUndefined();
  });

  it('email: one plain address on a dotted domain', () => {
    for (const good of ['dev@example.test', 'first.last+tag@mail.example.co']) {
      expect(reason({ type: 'email' }, good)).toBeUndefined();
    }
    const bad = ['dev@localhost', 'dev', '@example.test', 'a@@example.test', 'a b@example.test', '.a@example.test'];
    for (const value of [...bad, 'a..b@x.io', 'Dev <dev@x.io>', 'a@-x.io']) {
      expect(reason({ type: 'email' }, value)).toBe('must be an email address');
    }
  });

  it('hostname: RFC 1123 labels', () => {
    for (const good of ['localhost', 'api.example.com', '1.2.3.4', 'a-b.c']) {
      expect(reason({ type: 'hostname' }, good)).toBeUndefined();
    }
    const tooLong = [`${'a'.repeat(64)}.com`, `${'a.'.repeat(127)}ab`];
    for (const bad of ['-a.com', 'a-.com', 'a..com', 'a.com.', 'a_b.com', '', ...tooLong]) {
      expect(reason({ type: 'hostname' }, bad)).toBe('must be a valid hostname');
    }
  });

  it('uuid: 8-4-4-4-12 hex, any case', () => {
    expect(reason({ type: 'uuid' }, '123e4567-e89b-12d3-a456-426614174000')).toBeUndefined();
    expect(reason({ type: 'uuid' }, '123E4567-E89B-12D3-A456-426614174000')).toBeUndefined();
    const uuid = '123e4567-e89b-12d3-a456-426614174000';
    for (const bad of [uuid.replaceAll('-', ''), `{${uuid}}`, `${uuid.slice(0, -1)}g`, `${uuid}0`]) {
      expect(reason({ type: 'uuid' }, bad)).toBe('must be a uuid');
    }
  });

  it('duration: number and unit, bounds compared in ms', () => {
    const spec: VarSpec = { type: 'duration', min: '1m', max: '2h' };
    for (const good of ['90s', '1m', '2h', '60000ms', '120m']) expect(reason(spec, good)).toBeUndefined();
    for (const bad of ['59s', '121m', '1d', '1.5h', '1 m', '5', 'm', '-1m']) {
      expect(reason(spec, bad)).toBe('must be a duration from 1m to 2h');
    }
    expect(reason({ type: 'duration' }, '10y')).toBe('must be a duration like 30s, 5m, 2h or 30d');
    expect(reason({ type: 'duration', min: '1s' }, '0s')).toBe('must be a duration of at least 1s');
  });

  it('parseDurationMs: every unit, and refuses bad text without echoing it', () => {
    expect([parseDurationMs('250ms'), parseDurationMs('30s'), parseDurationMs('5m')]).toEqual([250, 30_000, 300_000]);
    expect([parseDurationMs('2h'), parseDurationMs('30d'), parseDurationMs('1w')]).toEqual([7_200_000, 2_592_000_000, 604_800_000]);
    for (const bad of ['30', `${PLANTED}s`, '99999999999999999999w']) {
      expect(() => parseDurationMs(bad)).toThrow(DevsecretsError);
      expect(() => parseDurationMs(bad)).not.toThrow(PLANTED);
    }
  });

  it('token: prefix, total length, charset', () => {
    const spec: VarSpec = { type: 'token', prefix: 'sk_test_', length: 12 };
    expect(reason(spec, 'sk_test_Ab12')).toBeUndefined();
    expect(reason(spec, 'sk_live_Ab12')).toBe('must start with sk_test_');
    expect(reason(spec, 'sk_test_')).toBe('must not end at the prefix');
    expect(reason(spec, 'sk_test_Ab-2')).toBe('must contain only letters and digits after the prefix');
    expect(reason(spec, 'sk_test_Ab123')).toBe('must be 12 characters long');
    expect(reason({ type: 'token', charset: 'hex' }, 'deadBEEF')).toBe('must contain only lowercase hex digits');
    expect(reason({ type: 'token', charset: 'hex' }, 'deadbeef')).toBeUndefined();
    expect(reason({ type: 'token', charset: 'base64url' }, 'a_b-C')).toBeUndefined();
    expect(reason({ type: 'token', charset: 'base64url' }, 'a+b')).toBe("must contain only letters, digits, '_' and '-'");
    expect(reason({ type: 'token' }, '')).toBe('must not be empty');
  });

  it('bytes: strict canonical encodings and decoded length', () => {
    const key = Buffer.alloc(32, 0xfb);
    expect(reason({ type: 'bytes', length: 32 }, key.toString('base64'))).toBeUndefined();
    expect(reason({ type: 'bytes', length: 32 }, Buffer.alloc(31).toString('base64'))).toBe('must decode to 32 bytes');
    const base64Bad = ['QUJD=', 'QUI', 'QUI=\n', 'QU J=', 'QUJ=', '-_8=', 'QR=='];
    for (const bad of base64Bad) expect(reason({ type: 'bytes' }, bad)).toBe('must be canonical base64 with padding');
    expect(reason({ type: 'bytes', encoding: 'base64url' }, key.toString('base64url'))).toBeUndefined();
    for (const bad of ['-_8=', '+/8', 'Q']) {
      expect(reason({ type: 'bytes', encoding: 'base64url' }, bad)).toBe('must be canonical base64url without padding');
    }
    expect(reason({ type: 'bytes', encoding: 'hex', length: 2 }, 'beef')).toBeUndefined();
    expect(reason({ type: 'bytes', encoding: 'hex', length: 2 }, 'BEEF')).toBeUndefined();
    for (const bad of ['BeEf', 'bee', 'bexf']) {
      expect(reason({ type: 'bytes', encoding: 'hex' }, bad)).toBe(
        'must be hex with an even number of digits, all lowercase or all uppercase',
      );
    }
    expect(reason({ type: 'bytes' }, '')).toBe('must not be empty');
  });

  it('private-key: algorithm, size and curve', () => {
    const rsa = pem('rsa');
    const ec = pem('ec');
    expect(reason({ type: 'private-key' }, rsa)).toBeUndefined();
    expect(reason({ type: 'private-key', algorithm: 'rsa', minBits: 2048 }, rsa)).toBe('must be at least 2048 bits');
    expect(reason({ type: 'private-key', algorithm: 'rsa' }, ec)).toBe('must be an rsa private key');
    expect(reason({ type: 'private-key', algorithm: 'ec', curve: 'P-256' }, ec)).toBeUndefined();
    expect(reason({ type: 'private-key', algorithm: 'ec', curve: 'P-384' }, ec)).toBe('must use curve P-384');
    expect(reason({ type: 'private-key', algorithm: 'ec', minBits: 384 }, ec)).toBe('must use a curve of at least 384 bits');
    expect(reason({ type: 'private-key', algorithm: 'ed25519' }, pem('ed25519'))).toBeUndefined();
    expect(reason({ type: 'private-key', algorithm: 'ed25519' }, rsa)).toBe('must be an ed25519 private key');
    const pkcs1 = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' });
    expect(reason({ type: 'private-key' }, pkcs1.toString())).toBeUndefined();
    const encrypted = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase: 'pw',
    });
    const publicKey = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    for (const bad of [encrypted.toString(), publicKey, 'not a key', rsa.slice(0, 200)]) {
      expect(reason({ type: 'private-key' }, bad)).toBe('must be an unencrypted pem private key');
    }
  });

  it('json: anything JSON.parse accepts', () => {
    for (const good of ['{}', '[1,2]', '"x"', 'null', ' {"a": 1} ']) expect(reason({ type: 'json' }, good)).toBeUndefined();
    for (const bad of ['{a:1}', "{'a':1}", '', 'undefined']) expect(reason({ type: 'json' }, bad)).toBe('must be valid json');
  });
});

describe('a planted secret never appears in a reason', () => {
  const cases: [VarSpec, string[]][] = [
    [{ type: 'string', minLength: 64, pattern: '[a-z]+' }, [PLANTED]],
    [{ type: 'string', maxLength: 3 }, [PLANTED]],
    [{ type: 'int', min: 1, max: 5 }, [PLANTED, '99']],
    [{ type: 'number' }, [PLANTED]],
    [{ type: 'bool' }, [PLANTED]],
    [{ type: 'port' }, [PLANTED]],
    [{ type: 'enum', values: ['a', 'b'] }, [PLANTED]],
    [
      { type: 'url', protocols: ['postgresql'], params: { sslmode: 'require' }, host: ['*.example.com'] },
      [
        PLANTED,
        `mysql://u:${PLANTED}@x.example.com/db`,
        `postgresql://u:${PLANTED}@x.example.com/db?sslmode=disable`,
        `postgresql://u:${PLANTED}@${PLANTED}.evil.test/db?sslmode=require`,
      ],
    ],
    [{ type: 'email' }, [PLANTED, `${PLANTED}@localhost`]],
    [{ type: 'hostname' }, [`${PLANTED}_x`]],
    [{ type: 'uuid' }, [PLANTED]],
    [{ type: 'duration', max: '1m' }, [PLANTED, '2m']],
    [{ type: 'token', prefix: 'sk_test_', length: 40 }, [PLANTED, `sk_test_${PLANTED}`, `sk_test_${PLANTED}!`]],
    [{ type: 'bytes', length: 32 }, [PLANTED, Buffer.from(PLANTED).toString('base64')]],
    [{ type: 'private-key', algorithm: 'ec' }, [PLANTED, `-----BEGIN PRIVATE KEY-----\n${PLANTED}\n-----END PRIVATE KEY-----\n`]],
    [{ type: 'json' }, [`{"k": ${PLANTED}}`]],
  ];

  it.each(cases)('%o', (spec, values) => {
    for (const value of values) {
      const why = reason(spec, value);
      expect(why).toBeDefined();
      expect(why).not.toContain(PLANTED);
      expect(why).not.toContain(PLANTED.toLowerCase());
    }
  });
});

describe('checkSpec', () => {
  const problems = (spec: VarSpec): string[] => checkSpec('VAR', spec).map((issue) => issue.message);

  it('accepts sound specs, naming the var on every issue', () => {
    expect(checkSpec('DATABASE_URL', { type: 'url', protocols: ['postgresql'], params: { sslmode: 'require' }, secret: true })).toEqual([]);
    expect(checkSpec('API_TIMEOUT', { type: 'int', min: 1, max: 120, default: 30 })).toEqual([]);
    expect(checkSpec('X', { type: 'int', min: 5, max: 1 })).toEqual([{ var: 'X', message: 'min must not be greater than max' }]);
  });

  it('catches min above max', () => {
    expect(problems({ type: 'int', min: 5, max: 1 })).toEqual(['min must not be greater than max']);
    expect(problems({ type: 'number', min: 0.2, max: 0.1 })).toEqual(['min must not be greater than max']);
    expect(problems({ type: 'duration', min: '2m', max: '90s' })).toEqual(['min must not be greater than max']);
    expect(problems({ type: 'duration', min: '99999999999999999w' })).toEqual(['min is too long']);
  });

  it('catches string option problems', () => {
    expect(problems({ type: 'string', minLength: 5, maxLength: 4 })).toEqual(['minLength must not be greater than maxLength']);
    expect(problems({ type: 'string', pattern: '([a-z]' })).toEqual(['pattern is not a valid RE2 regular expression (missing closing ): `([a-z]`)']);
  });

  it('names the JavaScript-only construct RE2 leaves out, and says why', () => {
    const why = 'manifest regexes are RE2 syntax, which leaves out backreferences and lookaround so that matching never hangs; rewrite the pattern without it';
    expect(problems({ type: 'string', pattern: '(a)\\1' })).toEqual([`pattern uses a backreference (\\1 or \\k<name>): ${why}`]);
    expect(problems({ type: 'string', pattern: '(?<n>a)\\k<n>' })).toEqual([`pattern uses a backreference (\\1 or \\k<name>): ${why}`]);
    expect(problems({ type: 'string', pattern: '(?=a)[a-z]+' })).toEqual([`pattern uses a lookahead (?=…) or (?!…): ${why}`]);
    expect(problems({ type: 'string', pattern: '[a-z]+(?<!x)' })).toEqual([`pattern uses a lookbehind (?<=…) or (?<!…): ${why}`]);
    expect(problems({ type: 'string', pattern: '\\u00e9' })).toEqual(['pattern uses \\u, which RE2 syntax spells \\x{…} (\\x{e9}, \\x{1F600})']);
  });

  it('catches a default on a secret', () => {
    expect(problems({ type: 'string', secret: true, default: 'x' })).toEqual(['a secret cannot have a default']);
  });

  it('catches a default or example that fails the validator', () => {
    expect(problems({ type: 'int', min: 1, max: 120, default: 500 })).toEqual(['default must be an integer from 1 to 120']);
    expect(problems({ type: 'enum', values: ['a', 'b'], default: 'c' })).toEqual(['default must be one of: a, b']);
    expect(problems({ type: 'url', params: { sslmode: 'require' }, example: 'postgresql://localhost/db' })).toEqual([
      'example must use sslmode=require',
    ]);
    expect(problems({ type: 'json', example: '{nope' })).toEqual(['example must be valid json']);
    expect(problems({ type: 'json', example: { nested: [1] } })).toEqual([]);
    expect(problems({ type: 'bool', default: true })).toEqual([]);
  });

  it('catches repeated enum values', () => {
    expect(problems({ type: 'enum', values: ['a', 'b', 'a'] })).toEqual(['values must be unique: a repeats']);
  });

  it('catches a token length that leaves nothing after the prefix', () => {
    expect(problems({ type: 'token', prefix: 'sk_test_', length: 8 })).toEqual([
      'length must be greater than the length of prefix (length counts the prefix)',
    ]);
    expect(problems({ type: 'token', prefix: 'sk_test_', length: 9 })).toEqual([]);
  });

  it('catches private-key options that do not fit the algorithm', () => {
    expect(problems({ type: 'private-key', curve: 'P-256' })).toEqual(['curve requires algorithm ec']);
    expect(problems({ type: 'private-key', algorithm: 'rsa', curve: 'P-256' })).toEqual(['curve requires algorithm ec']);
    expect(problems({ type: 'private-key', algorithm: 'ed25519', minBits: 256 })).toEqual(['minBits does not apply to ed25519 keys']);
    expect(problems({ type: 'private-key', algorithm: 'ec', curve: 'P-256', minBits: 384 })).toEqual([
      'minBits exceeds curve P-256',
    ]);
    expect(problems({ type: 'private-key', algorithm: 'ec', minBits: 600 })).toEqual(['minBits exceeds every supported curve']);
    expect(problems({ type: 'private-key', minBits: 16384 })).toEqual([
      'minBits must be at most 8192 for rsa, so a fake key can be generated',
    ]);
    expect(problems({ type: 'private-key', algorithm: 'ec', curve: 'P-384', minBits: 384 })).toEqual([]);
  });

  it('catches url protocols and host patterns that cannot be right', () => {
    const protocolProblem = 'protocols must be lowercase scheme names without ://, like https';
    expect(problems({ type: 'url', protocols: ['https://'] })).toEqual([protocolProblem]);
    expect(problems({ type: 'url', protocols: ['HTTPS'] })).toEqual([protocolProblem]);
    expect(problems({ type: 'url', protocols: ['https:'] })).toEqual([protocolProblem]);
    expect(problems({ type: 'url', protocols: ['git+ssh'] })).toEqual([]);
    expect(problems({ type: 'url', host: ['db.example.com/x'] })).toEqual([
      "host patterns may contain only letters, digits, '.', '-' and '*'",
    ]);
  });

  it('catches a pattern no fake can be generated for, unless an example matches', () => {
    const message = 'cannot generate a fake matching pattern: add an example that matches';
    expect(problems({ type: 'string', pattern: '(?i)a[a-z]+' })).toEqual([message]);
    expect(problems({ type: 'string', pattern: '(?i)a[a-z]+', example: 'Abc' })).toEqual([]);
    expect(problems({ type: 'string', pattern: '(?i)a[a-z]+', example: 'xyz' })).toEqual([
      'example must match the pattern (?i)a[a-z]+',
      message,
    ]);
    expect(problems({ type: 'string', pattern: '[a-z]{3}', minLength: 4 })).toEqual([message]);
  });
});

describe('generateFake', () => {
  it('builds the fakes the design shows', () => {
    const databaseUrl: VarSpec = {
      type: 'url',
      protocols: ['postgresql', 'postgres'],
      params: { sslmode: 'require' },
      secret: true,
    };
    expect(generateFake('DATABASE_URL', databaseUrl, SEED)).toMatch(
      /^postgresql:\/\/dev_[a-z0-9]{6}:FAKE[A-Za-z0-9]{24}@localhost:5432\/app_fake\?sslmode=require$/,
    );
    expect(generateFake('STRIPE_KEY', { type: 'token', prefix: 'sk_test_', length: 32, secret: true }, SEED)).toMatch(
      /^sk_test_FAKE[A-Za-z0-9]{20}$/,
    );
    expect(generateFake('SESSION_KEY', { type: 'bytes', encoding: 'base64', length: 32 }, SEED)).toHaveLength(44);
    expect(generateFake('LOG_LEVEL', { type: 'enum', values: ['debug', 'info'], default: 'info' }, SEED)).toBe('info');
    expect(generateFake('API_TIMEOUT', { type: 'int', min: 1, max: 120, default: 30 }, SEED)).toBe('30');
  });

  it('marks free text', () => {
    expect(generateFake('S', { type: 'string' }, SEED)).toMatch(/^fake-[A-Za-z0-9]{16}$/);
    expect(generateFake('S', { type: 'string', maxLength: 5 }, SEED)).toMatch(/^[A-Za-z0-9]{5}$/);
    expect(generateFake('S', { type: 'string', minLength: 40 }, SEED)).toMatch(/^fake-[A-Za-z0-9]{35}$/);
    expect(generateFake('H', { type: 'hostname' }, SEED)).toMatch(/^fake-[a-z0-9]{8}\.example\.test$/);
    expect(generateFake('E', { type: 'email' }, SEED)).toMatch(/^fake-[a-z0-9]{8}@example\.test$/);
    expect(generateFake('U', { type: 'url' }, SEED)).toMatch(/^https:\/\/fake-[a-z0-9]{8}\.example\.test\/$/);
    expect(generateFake('T', { type: 'token', charset: 'hex' }, SEED)).toMatch(/^fa4e[0-9a-f]{28}$/);
    expect(generateFake('T', { type: 'token', prefix: 'pk_', length: 14 }, SEED)).toMatch(/^pk_[A-Za-z0-9]{11}$/);
    expect(generateFake('T', { type: 'token', prefix: 'pk_', length: 14 }, SEED)).not.toMatch(/^pk_FAKE/);
  });

  it('puts url fakes on a host the patterns allow', () => {
    const url = generateFake('U', { type: 'url', protocols: ['redis'], host: ['*.cache.internal'] }, SEED);
    expect(url).toMatch(/^redis:\/\/dev_[a-z0-9]{6}:FAKE[A-Za-z0-9]{24}@fake-[a-z0-9]{6}\.cache\.internal:6379\/0$/);
  });

  it('follows a string pattern', () => {
    const spec: VarSpec = { type: 'string', pattern: '^acct_(?:[A-Z]{2}|x)-\\d{4}$' };
    const value = generateFake('ACCOUNT', spec, SEED);
    expect(value).toMatch(/^acct_(?:[A-Z]{2}|x)-\d{4}$/);
  });

  it('uses a matching example when the pattern is outside the supported subset', () => {
    expect(generateFake('S', { type: 'string', pattern: '\\pL+', example: 'abc' }, SEED)).toBe('abc');
    const attempt = () => generateFake('S', { type: 'string', pattern: '\\pL+' }, SEED);
    expect(attempt).toThrow(DevsecretsError);
    expect(attempt).toThrow('S: cannot generate a fake matching pattern: add an example that matches');
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ code: 'FAKE_UNAVAILABLE', exitCode: 3, issues: [{ var: 'S' }] });
    }
  });

  it('never uses a default on a secret, and ignores an invalid default', () => {
    expect(generateFake('P', { type: 'port', default: 8080 }, SEED)).toBe('8080');
    expect(generateFake('P', { type: 'port', default: 80, secret: true }, SEED)).not.toBe('80');
    expect(Number(generateFake('I', { type: 'int', min: 1, max: 5, default: 50 }, SEED))).toBeLessThanOrEqual(5);
  });

  it('makes json from the example, else {}', () => {
    expect(generateFake('J', { type: 'json', example: { a: [1, 2] } }, SEED)).toBe('{"a":[1,2]}');
    expect(generateFake('J', { type: 'json' }, SEED)).toBe('{}');
  });

  it('makes real keys of the right kind', () => {
    const key = generateFake('K', { type: 'private-key', algorithm: 'ec', curve: 'P-384' }, SEED);
    expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(compileValidator({ type: 'private-key', algorithm: 'ec', curve: 'P-384' })(key)).toBeUndefined();
    expect(generateFake('K', { type: 'private-key', algorithm: 'ec', curve: 'P-384' }, SEED)).not.toBe(key);
  });

  it('gives each variable its own stream', () => {
    const spec: VarSpec = { type: 'token' };
    expect(generateFake('A', spec, SEED)).not.toBe(generateFake('B', spec, SEED));
  });

  it('refuses a short seed', () => {
    expect(() => generateFake('A', { type: 'token' }, new Uint8Array(15))).toThrow(RangeError);
  });
});

describe('fake tags', () => {
  it('verify the value they were made for, under the seed they were made with', () => {
    const tag = fakeTag('STRIPE_KEY', 'sk_test_FAKEabc', SEED);
    expect(tag).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(verifyFake('STRIPE_KEY', 'sk_test_FAKEabc', SEED, tag)).toBe(true);
    expect(verifyFake('STRIPE_KEY', 'sk_test_FAKEabd', SEED, tag)).toBe(false);
    expect(verifyFake('OTHER_KEY', 'sk_test_FAKEabc', SEED, tag)).toBe(false);
    expect(verifyFake('STRIPE_KEY', 'sk_test_FAKEabc', new Uint8Array(32), tag)).toBe(false);
    expect(verifyFake('STRIPE_KEY', 'sk_test_FAKEabc', SEED, undefined)).toBe(false);
    expect(verifyFake('STRIPE_KEY', 'sk_test_FAKEabc', SEED, tag.slice(1))).toBe(false);
  });

  it('separate name from value', () => {
    expect(fakeTag('AB', 'C', SEED)).not.toBe(fakeTag('A', 'BC', SEED));
  });
});

describe('maskValue', () => {
  it('shows at most 4 characters, and none of a short value', () => {
    expect(maskValue('sk_test_0123456789abcdefghijklmn')).toBe('sk_t…(32 chars)');
    expect(maskValue('123456789')).toBe('1234…(9 chars)');
    expect(maskValue('12345678')).toBe('…(8 chars)');
    expect(maskValue('')).toBe('…(0 chars)');
    expect(maskValue('😀😀😀😀😀😀😀😀😀')).toBe('😀😀😀😀…(9 chars)');
  });
});
