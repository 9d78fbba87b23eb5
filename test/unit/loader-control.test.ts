/**
 * Loader-control variables (LD_PRELOAD, NODE_OPTIONS, …): the table, the manifest rule
 * (declared only with "loaderControl": true), and that no fake is ever made for one — not
 * at init, sync, rotate or by generateFake itself. doctor's side is in doctor.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { buildChildEnv } from '../../src/core/build-child-env.js';
import { parseDotenvAnnotated } from '../../src/core/dotenv.js';
import { DevsecretsError } from '../../src/core/errors.js';
import { evaluateValues } from '../../src/core/evaluate.js';
import { inferManifest } from '../../src/core/infer-manifest.js';
import { isLoaderControl, loaderControlReason } from '../../src/core/loader-control.js';
import { parseManifest } from '../../src/core/manifest.js';
import { rotateDocument } from '../../src/core/rotate-store.js';
import { createStoreDocument, fakeableVars, loaderVarsWithoutValue } from '../../src/core/seed-store.js';
import { stampCovers } from '../../src/core/store-document.js';
import { stampDocument } from '../../src/core/store-stamp.js';
import { syncDocument } from '../../src/core/sync-store.js';
import { checkSpec, generateFake } from '../../src/core/types/index.js';

const NOW = new Date('2026-01-10T00:00:00Z');
const SEED = new Uint8Array(32).fill(7);

function parse(vars: Record<string, object>) {
  return parseManifest(JSON.stringify({ version: 1, vars }), '/p/devsecrets.json', '/p');
}

function refusal(vars: Record<string, object>): DevsecretsError {
  try {
    parse(vars);
  } catch (error) {
    expect(error).toBeInstanceOf(DevsecretsError);
    return error as DevsecretsError;
  }
  throw new Error('expected the manifest to be refused');
}

/** A manifest with an ordinary variable and opted-in loader-control variables, with and without a default. */
const OPTED_IN = {
  PORT: { type: 'port' },
  NODE_OPTIONS: { type: 'string', loaderControl: true, default: '--max-old-space-size=4096' },
  LD_LIBRARY_PATH: { type: 'string', loaderControl: true },
  PYTHONPATH: { type: 'string', loaderControl: true, required: false },
};

describe('the loader-control table', () => {
  it.each([
    // Families by prefix: every member of the loaders' namespaces.
    'LD_PRELOAD', 'LD_AUDIT', 'LD_LIBRARY_PATH', 'LD_BIND_NOW', 'LD_PRELOAD_64', 'DYLD_INSERT_LIBRARIES', 'DYLD_FRAMEWORK_PATH',
    'MALLOC_ARENA_MAX', 'MALLOC_CONF', 'GIT_CONFIG_COUNT', 'GIT_CONFIG_KEY_0', 'GIT_CONFIG_GLOBAL', 'NPM_CONFIG_SCRIPT_SHELL',
    'YARN_YARN_PATH', 'CORECLR_PROFILER_PATH_64', 'COR_PROFILER_PATH',
    // Exact names from the loaders' and runtimes' own documentation.
    'GCONV_PATH', 'GLIBC_TUNABLES', 'BASH_ENV', 'ENV', 'BASHOPTS', 'SHELLOPTS', 'PS4', 'PROMPT_COMMAND', 'IFS', 'ZDOTDIR',
    'PATH', 'COMSPEC', 'BROWSER', 'EDITOR', 'VISUAL', 'PAGER', 'MANPAGER', 'LESSOPEN', 'LESSCLOSE', 'SSH_ASKPASS', 'SUDO_ASKPASS',
    'GIT_SSH', 'GIT_SSH_COMMAND', 'GIT_ASKPASS', 'GIT_EDITOR', 'GIT_SEQUENCE_EDITOR', 'GIT_PAGER', 'GIT_EXTERNAL_DIFF',
    'GIT_PROXY_COMMAND', 'GIT_EXEC_PATH', 'GIT_TEMPLATE_DIR', 'GIT_CONFIG',
    'NODE_OPTIONS', 'NODE_PATH', 'NODE_REPL_EXTERNAL_MODULE',
    'PYTHONSTARTUP', 'PYTHONPATH', 'PYTHONHOME', 'PYTHONPLATLIBDIR', 'PYTHONUSERBASE', 'PYTHONPYCACHEPREFIX', 'PYTHONINSPECT',
    'PYTHONWARNINGS', 'PYTHONBREAKPOINT',
    'PERL5OPT', 'PERL5LIB', 'PERLLIB', 'PERL5DB', 'PERL5SHELL',
    'RUBYOPT', 'RUBYLIB', 'RUBYPATH', 'RUBYSHELL', 'GEM_HOME', 'GEM_PATH', 'BUNDLE_GEMFILE',
    'JAVA_TOOL_OPTIONS', '_JAVA_OPTIONS', 'JDK_JAVA_OPTIONS', 'CLASSPATH',
    'DOTNET_STARTUP_HOOKS', 'CORECLR_ENABLE_PROFILING', 'CORECLR_PROFILER', 'COR_ENABLE_PROFILING', 'COR_PROFILER',
    'PHPRC', 'PHP_INI_SCAN_DIR',
  ])('%s is a loader-control variable, with a reason', (name) => {
    expect(isLoaderControl(name)).toBe(true);
    expect(loaderControlReason(name)).toMatch(/\S{3}/);
  });

  it.each([
    // Ordinary application configuration, and names that only look related.
    'DATABASE_URL', 'NODE_ENV', 'PORT', 'LDAP_URL', 'LDFLAGS', 'GIT_SHA', 'GIT_BRANCH', 'PYTHONUNBUFFERED', 'PYTHONDONTWRITEBYTECODE',
    'JAVA_OPTS', 'APP_ENV', 'ENVIRONMENT', 'NPM_TOKEN', 'MALLOC', 'GIT_CONFIGURED',
    // Left out on purpose (see loader-control.ts): the user's own folders and shell, data rather than code,
    // and Doppler's helpers of tricks that are refused by themselves.
    'HOME', 'USERPROFILE', 'XDG_CONFIG_HOME', 'SHELL', 'WINDIR', 'SYSTEMROOT', 'TMPDIR', 'TZ', 'LOCPATH', 'NLSPATH',
    'SSL_CERT_FILE', 'NODE_EXTRA_CA_CERTS', 'SSLKEYLOGFILE', 'HOSTNAME', 'NODE_VERSION',
  ])('%s is not one', (name) => {
    expect(isLoaderControl(name)).toBe(false);
    expect(loaderControlReason(name)).toBeUndefined();
  });

  it('ignores case, as Windows and npm do', () => {
    expect(isLoaderControl('ld_preload')).toBe(true);
    expect(isLoaderControl('Path')).toBe(true);
    expect(isLoaderControl('npm_config_node_options')).toBe(true);
    expect(isLoaderControl('ComSpec')).toBe(true);
  });

  it('says what the variable does in its reason', () => {
    expect(loaderControlReason('NODE_OPTIONS')).toContain('--require');
    expect(loaderControlReason('LD_PRELOAD')).toContain('shared objects');
    expect(loaderControlReason('BASH_ENV')).toContain('bash');
  });
});

describe('the manifest rule', () => {
  it('refuses a loader-control variable that does not opt in: MANIFEST_INVALID, exit 3, named, with how to opt in', () => {
    const error = refusal({ LD_PRELOAD: { type: 'string' }, PORT: { type: 'port' } });
    expect(error.code).toBe('MANIFEST_INVALID');
    expect(error.exitCode).toBe(3);
    expect(error.issues).toEqual([{ var: 'LD_PRELOAD', message: expect.stringContaining('controls how programs load code') }]);
    expect(error.issues[0]!.message).toContain('shared objects');
    expect(error.issues[0]!.message).toContain('"loaderControl": true');
    expect(error.hint).toContain('"loaderControl": true');
    expect(error.hint).toContain('devsecrets set NAME');
  });

  it('names every loader-control variable at once, whatever the case, and "loaderControl": false is no opt-in', () => {
    const error = refusal({ NODE_OPTIONS: { type: 'string', loaderControl: false }, ld_preload: { type: 'string' }, bash_env: { type: 'string', default: 'x' } });
    expect(error.issues.map((issue) => issue.var).sort()).toEqual(['NODE_OPTIONS', 'bash_env', 'ld_preload']);
  });

  it('accepts one declared with "loaderControl": true, with or without a default', () => {
    const manifest = parse(OPTED_IN);
    expect(manifest.vars.NODE_OPTIONS).toMatchObject({ loaderControl: true, default: '--max-old-space-size=4096' });
    expect(Object.keys(manifest.vars)).toHaveLength(4);
  });

  it('refuses "loaderControl" on any other variable, true or false', () => {
    for (const loaderControl of [true, false]) {
      const error = refusal({ DATABASE_URL: { type: 'url', secret: true, loaderControl } });
      expect(error.issues).toEqual([{ var: 'DATABASE_URL', message: expect.stringContaining('only loader-control variables') }]);
      // The opt-in hint is for loader-control variables; this is an ordinary mistake.
      expect(error.hint).not.toContain('"loaderControl": true');
    }
  });

  it('needs no fake to be possible for an opted-in spec: a pattern outside the supported subset is fine', () => {
    // Valid RE2, but outside what the fake generator reads (a flag group).
    const pattern = '(?i)--max-old-space-size=\\d+';
    expect(checkSpec('NODE_OPTIONS', { type: 'string', loaderControl: true, pattern })).toEqual([]);
    expect(checkSpec('APP_TEXT', { type: 'string', pattern })).toEqual([{ var: 'APP_TEXT', message: expect.any(String) }]);
  });
});

describe('no fake is ever made for one', () => {
  it('generateFake refuses it, even with a default (FAKE_UNAVAILABLE, exit 3)', () => {
    let error: unknown;
    try {
      generateFake('NODE_OPTIONS', { type: 'string', loaderControl: true, default: '--max-old-space-size=4096' }, SEED);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DevsecretsError);
    expect((error as DevsecretsError).code).toBe('FAKE_UNAVAILABLE');
    expect((error as DevsecretsError).exitCode).toBe(3);
  });

  it('a new store holds fakes for everything else', () => {
    const manifest = parse(OPTED_IN);
    expect(fakeableVars(manifest).map(([name]) => name)).toEqual(['PORT']);
    const document = createStoreDocument(manifest, 'store-1', SEED, NOW);
    expect(Object.keys(document.vars)).toEqual(['PORT']);
  });

  it('names what only a person can fill: required, no default, no value', () => {
    const manifest = parse(OPTED_IN);
    expect(loaderVarsWithoutValue(manifest, {})).toEqual(['LD_LIBRARY_PATH']);
    expect(loaderVarsWithoutValue(manifest, { LD_LIBRARY_PATH: '/opt/lib' })).toEqual([]);
  });

  it('run refuses a required one without a value, naming who can give it one', () => {
    const evaluation = evaluateValues(parse(OPTED_IN), { PORT: '3000', NODE_OPTIONS: '--max-old-space-size=4096' });
    expect(evaluation.missing).toEqual([{ var: 'LD_LIBRARY_PATH', message: expect.stringContaining('devsecrets set LD_LIBRARY_PATH, or give it a default') }]);
    expect(evaluation.missing[0]!.message).toContain('has no fake (it controls how programs load code)');
  });

  it('sync adds none, keeps a person\'s value, and removes a fake an older devsecrets made', () => {
    const manifest = parse(OPTED_IN);
    const document = createStoreDocument(parse({ PORT: { type: 'port' } }), 'store-1', SEED, NOW);
    document.vars.NODE_OPTIONS = { value: 'fake-old', origin: 'generated', updatedAt: NOW.toISOString(), tag: 'x' };
    document.vars.PYTHONPATH = { value: '/srv/lib', origin: 'set', updatedAt: NOW.toISOString() };
    const report = syncDocument(document, manifest, NOW);
    expect(report).toMatchObject({ added: [], removed: [], regenerated: [], invalidKept: [], dropped: ['NODE_OPTIONS'], unfilled: ['LD_LIBRARY_PATH'] });
    expect(Object.keys(document.vars).sort()).toEqual(['PORT', 'PYTHONPATH']);
    expect(document.vars.PYTHONPATH?.value).toBe('/srv/lib');
  });

  it('rotate passes them by, keeps a person\'s value, and refuses to rotate one by name without changing anything', () => {
    const manifest = parse(OPTED_IN);
    const document = createStoreDocument(manifest, 'store-1', SEED, NOW);
    document.vars.PYTHONPATH = { value: '/srv/lib', origin: 'set', updatedAt: NOW.toISOString() };
    const report = rotateDocument(document, manifest, [], new Uint8Array(32).fill(9), NOW);
    expect(report.kept).toEqual(['PYTHONPATH']);
    expect(Object.keys(document.vars).sort()).toEqual(['PORT', 'PYTHONPATH']);

    const before = structuredClone(document);
    let error: unknown;
    try {
      rotateDocument(document, manifest, ['PORT', 'NODE_OPTIONS'], new Uint8Array(32).fill(3), NOW);
    } catch (caught) {
      error = caught;
    }
    expect((error as DevsecretsError).code).toBe('FAKE_UNAVAILABLE');
    expect((error as DevsecretsError).message).toContain('NODE_OPTIONS');
    expect(document).toEqual(before);
  });
});

describe('run without a stored value: the manifest default takes the store\'s place', () => {
  const manifest = parse(OPTED_IN);
  const store = { PORT: '4000', LD_LIBRARY_PATH: '/opt/lib' };

  it('wins over an inherited value, which is named, as any store value does; --prefer-env keeps the inherited one', () => {
    const child = buildChildEnv({ manifest, values: store, inherited: { NODE_OPTIONS: '--inspect', PYTHONPATH: '/home/dev/py' } });
    expect(child.env).toMatchObject({ NODE_OPTIONS: '--max-old-space-size=4096', LD_LIBRARY_PATH: '/opt/lib', PYTHONPATH: '/home/dev/py' });
    expect(child.overridden).toEqual(['NODE_OPTIONS']);
    expect(child.unknown).toEqual([]);
    const kept = buildChildEnv({ manifest, values: store, inherited: { NODE_OPTIONS: '--inspect' }, preferEnv: true });
    expect(kept.env.NODE_OPTIONS).toBe('--inspect');
    expect(kept.kept).toEqual(['NODE_OPTIONS']);
  });

  it('a value a person set wins over the default', () => {
    const child = buildChildEnv({ manifest, values: { ...store, NODE_OPTIONS: '--no-warnings' }, inherited: {} });
    expect(child.env.NODE_OPTIONS).toBe('--no-warnings');
  });

  it('so a store without a copy of the default is stamped, and run skips its checks; not while a required one has no value', () => {
    const document = createStoreDocument(manifest, 'store-1', SEED, NOW);
    stampDocument(document, manifest);
    expect(document.checked).toBeUndefined();
    document.vars.LD_LIBRARY_PATH = { value: '/opt/lib', origin: 'set', updatedAt: NOW.toISOString() };
    stampDocument(document, manifest);
    expect(stampCovers(document, manifest.textSha256)).toBe(true);
    // Optional PYTHONPATH has no value: the stamp does not cover an inherited one, so run checks it.
    const values = Object.fromEntries(Object.entries(document.vars).map(([name, stored]) => [name, stored.value]));
    expect(buildChildEnv({ manifest, values, inherited: {} }).fromEnv).toEqual([]);
    expect(buildChildEnv({ manifest, values, inherited: { PYTHONPATH: '/home/dev/py' } }).fromEnv).toEqual(['PYTHONPATH']);
  });

  it('a default the manifest\'s forbid list refuses withholds the stamp', () => {
    const forbidding = parseManifest(JSON.stringify({ forbid: ['/evil/'], vars: { NODE_OPTIONS: { type: 'string', loaderControl: true, default: '--require ./evil.js' } } }), '/p/devsecrets.json', '/p');
    const document = createStoreDocument(forbidding, 'store-1', SEED, NOW);
    stampDocument(document, forbidding);
    expect(document.checked).toBeUndefined();
  });
});

describe('init --from an example file', () => {
  it('declares a loader-control variable on purpose, its example value the default, and the manifest is valid', () => {
    const example = ['NODE_OPTIONS=--max-old-space-size=4096', 'MALLOC_ARENA_MAX=2', 'PYTHONPATH=', 'GIT_ASKPASS=/usr/bin/true', 'PORT=3000'].join('\n');
    const document = inferManifest(parseDotenvAnnotated(example, '.env.example'), './schema.json').document;
    expect(document.vars).toEqual({
      NODE_OPTIONS: { type: 'string', loaderControl: true, default: '--max-old-space-size=4096' },
      MALLOC_ARENA_MAX: { type: 'int', loaderControl: true, default: 2 },
      // Empty in the example: the app can do without it.
      PYTHONPATH: { type: 'string', loaderControl: true, required: false },
      // "PASS" in the name is an askpass program, not a password.
      GIT_ASKPASS: { type: 'string', loaderControl: true, default: '/usr/bin/true' },
      PORT: { type: 'port', default: 3000 },
    });
    expect(() => parseManifest(JSON.stringify(document), '/p/devsecrets.json', '/p')).not.toThrow();
  });

  it('keeps as text an example its guessed type would refuse', () => {
    const document = inferManifest(parseDotenvAnnotated('BROWSER=me@localhost.x\n', '.env.example'), './schema.json').document;
    expect(() => parseManifest(JSON.stringify(document), '/p/devsecrets.json', '/p')).not.toThrow();
    expect(document.vars.BROWSER).toMatchObject({ loaderControl: true, default: 'me@localhost.x' });
  });
});
