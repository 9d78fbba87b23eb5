/**
 * `mock://SEED`, the provider an app's tests use: deterministic, type-valid fakes through
 * the same call as a real provider, touching no store, keychain or network. And the load
 * boundaries: each provider's code (the AWS SDK above all) loads only when a reference of its
 * scheme is read, and `devsecrets run` loads none of it.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { readProvider } from '../../src/adapters/providers/index.js';
import type { Manifest } from '../../src/core/manifest-model.js';
import { parseManifest } from '../../src/core/manifest.js';
import { createStoreDocument } from '../../src/core/seed-store.js';
import { localSpec } from '../../src/core/token-prefix.js';
import { compileValidator } from '../../src/core/types/index.js';
import { awsSecret, startServer } from '../helpers/provider-server.js';
import { rejection, useTmpDir } from '../helpers/tmp.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const tmp = useTmpDir();

/** Every type, a live-shaped token prefix, a pattern, and loader-control variables with and without a default. */
const MANIFEST_DOCUMENT = {
  vars: {
    APP_NAME: { type: 'string', minLength: 4, maxLength: 20 },
    REGION: { type: 'string', pattern: '(eu|us)-(west|east)-\\d' },
    WORKERS: { type: 'int', min: 1, max: 64 },
    RATIO: { type: 'number', min: 0, max: 1 },
    DEBUG: { type: 'bool' },
    PORT: { type: 'port' },
    LOG_LEVEL: { type: 'enum', values: ['debug', 'info', 'warn'], default: 'info' },
    DATABASE_URL: { type: 'url', protocols: ['postgresql'], params: { sslmode: 'require' }, secret: true },
    ADMIN_EMAIL: { type: 'email' },
    API_HOST: { type: 'hostname' },
    TENANT_ID: { type: 'uuid' },
    CACHE_TTL: { type: 'duration', min: '1m', max: '1h' },
    STRIPE_KEY: { type: 'token', prefix: 'sk_live_', length: 32, secret: true },
    SESSION_KEY: { type: 'bytes', encoding: 'base64', length: 32, secret: true },
    SIGNING_KEY: { type: 'private-key', algorithm: 'ed25519', secret: true },
    FEATURES: { type: 'json', example: { beta: true } },
    OPTIONAL_NOTE: { type: 'string', required: false },
    NODE_OPTIONS: { type: 'string', loaderControl: true, default: '--max-old-space-size=512' },
    LD_PRELOAD: { type: 'string', loaderControl: true, required: false },
  },
};

function manifestIn(root: string): Manifest {
  const path = join(root, 'devsecrets.json');
  const text = JSON.stringify(MANIFEST_DOCUMENT);
  writeFileSync(path, text);
  return parseManifest(text, path, root);
}

const HEX_SEED = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';

describe('mock://', () => {
  it('gives a fake for every variable that passes its own validator, as the local side reads it', async () => {
    const manifest = manifestIn(tmp());
    const { ref, values } = await readProvider('mock://42', { manifest, env: {} });
    expect(ref).toBe('mock://42');
    const fakeable = Object.keys(manifest.vars).filter((name) => name !== 'NODE_OPTIONS' && name !== 'LD_PRELOAD');
    expect(Object.keys(values).sort()).toEqual([...fakeable, 'NODE_OPTIONS'].sort());
    for (const [name, value] of Object.entries(values)) {
      expect(compileValidator(localSpec(manifest.vars[name]!))(value), `${name}=${value}`).toBeUndefined();
    }
    expect(values.STRIPE_KEY).toMatch(/^sk_test_FAKE/);
  });

  it('gives a loader-control variable its manifest default or nothing, never a fake', async () => {
    const { values } = await readProvider('mock://42', { manifest: manifestIn(tmp()), env: {} });
    expect(values.NODE_OPTIONS).toBe('--max-old-space-size=512');
    expect(values).not.toHaveProperty('LD_PRELOAD');
  });

  it('is deterministic for a seed, and differs between seeds; private keys are made afresh every time', async () => {
    const manifest = manifestIn(tmp());
    const read = async (ref: string) => (await readProvider(ref, { manifest, env: {} })).values;
    const [first, again, other, empty] = [await read('mock://42'), await read('mock://42'), await read('mock://43'), await read('mock://')];
    const { SIGNING_KEY: key1, ...rest1 } = first;
    const { SIGNING_KEY: key2, ...rest2 } = again;
    expect(rest2).toEqual(rest1);
    expect(key2).not.toBe(key1);
    expect(other.DATABASE_URL).not.toBe(first.DATABASE_URL);
    expect(other.STRIPE_KEY).not.toBe(first.STRIPE_KEY);
    expect(empty.SESSION_KEY).not.toBe(first.SESSION_KEY);
    expect((await read('mock://')).SESSION_KEY).toBe(empty.SESSION_KEY);
  });

  it('takes a hex seed as init --seed does, so mock://HEX gives the values of a store seeded with HEX', async () => {
    const manifest = manifestIn(tmp());
    const { values } = await readProvider(`mock://${HEX_SEED}`, { manifest, env: {} });
    const document = createStoreDocument(manifest, 'store-id', Buffer.from(HEX_SEED, 'hex'), new Date());
    for (const [name, stored] of Object.entries(document.vars)) {
      if (name !== 'SIGNING_KEY') expect(values[name], name).toBe(stored.value);
    }
    const upper = (await readProvider(`mock://${HEX_SEED.toUpperCase()}`, { manifest, env: {} })).values;
    expect(upper.DATABASE_URL).toBe(values.DATABASE_URL);
  });

  it('needs a manifest', async () => {
    expect(await rejection(readProvider('mock://42', { env: {} }))).toMatchObject({ code: 'MANIFEST_MISSING', exitCode: 3 });
  });

  it('writes nothing and reads no store: a project without one, a home that stays empty', async () => {
    const root = tmp();
    const manifest = manifestIn(root);
    const home = join(root, 'home');
    await readProvider('mock://42', { manifest, env: { HOME: home, DEVSECRETS_HOME: join(home, 'devsecrets'), DEVSECRETS_KEYCHAIN: 'on' } });
    expect(readdirSync(root)).toEqual(['devsecrets.json']);
  });
});

/**
 * What a bundle of `entry` holds: the source files that load with the entry itself (its
 * output and every chunk it imports statically, not the chunks it imports on demand), and
 * all of them.
 */
async function bundledInputs(entry: string, options: { splitting?: boolean } = {}): Promise<{ entryInputs: string[]; allInputs: string[]; metafile: Metafile }> {
  const outdir = join(tmp(), 'out');
  const result = await build({
    entryPoints: [join(REPO, entry)],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'node',
    outdir,
    packages: 'external',
    splitting: options.splitting ?? false,
    logLevel: 'silent',
  });
  const { outputs } = result.metafile;
  const loaded = new Set<string>();
  const visit = (output: string): void => {
    if (loaded.has(output)) return;
    loaded.add(output);
    for (const imported of outputs[output]!.imports) if (imported.kind === 'import-statement' && imported.path in outputs) visit(imported.path);
  };
  // With splitting, each chunk loaded on demand counts as an entry point too.
  visit(Object.keys(outputs).find((output) => outputs[output]!.entryPoint === entry)!);
  const entryInputs = [...loaded].flatMap((output) => Object.keys(outputs[output]!.inputs));
  return { entryInputs, allInputs: Object.keys(result.metafile.inputs), metafile: result.metafile };
}

describe('load boundaries', () => {
  it('loads a provider only when a reference of its scheme is read: parsing loads none', async () => {
    const { entryInputs, allInputs } = await bundledInputs('src/adapters/providers/index.ts', { splitting: true });
    expect(entryInputs.filter((input) => input.includes('adapters/providers/'))).toEqual(['src/adapters/providers/index.ts']);
    for (const adapter of ['aws-sm', 'vault', 'doppler', 'mock']) expect(allInputs).toContain(`src/adapters/providers/${adapter}.ts`);
  });

  it('keeps the AWS SDK to aws-sm.ts, and the mock away from stores, keychains and identities', async () => {
    const sources = (readdirSync(join(REPO, 'src'), { recursive: true }) as string[]).filter((file) => file.endsWith('.ts'));
    const importers = sources.filter((file) => readFileSync(join(REPO, 'src', file), 'utf8').includes('@aws-sdk/client-secrets-manager'));
    expect(importers).toEqual([join('adapters', 'providers', 'aws-sm.ts')]);
    const mock = await bundledInputs('src/adapters/providers/mock.ts');
    expect(mock.allInputs.filter((input) => /store|keychain|identity|age-cipher/.test(input))).toEqual([]);
    expect(Object.values(mock.metafile.inputs).flatMap((input) => input.imports.map((imported) => imported.path))).not.toContain('keytar');
  });

  it('leaves providers out of devsecrets run, and the AWS SDK out of every bundle', async () => {
    // The front door as it starts (the program of the other commands is loaded on demand), and
    // everything `run` may load, on demand or not.
    const frontDoor = (await bundledInputs('src/cli/main.ts', { splitting: true })).entryInputs;
    const run = (await bundledInputs('src/cli/commands/run.ts')).allInputs;
    expect(frontDoor).toContain('src/cli/main.ts');
    expect(run).toContain('src/core/seed-store.ts');
    expect([...frontDoor, ...run].filter((input) => input.includes('adapters/providers/'))).toEqual([]);
    // The built files, when there are any (npm ci and npm test build them).
    const dist = join(REPO, 'dist');
    if (!existsSync(dist)) return;
    for (const file of readdirSync(dist).filter((name) => /\.(c?js)$/.test(name))) {
      const text = readFileSync(join(dist, file), 'utf8');
      expect(text.includes('SecretsManagerServiceException'), `${file} bundles the AWS SDK`).toBe(false);
      if (file === 'cli.cjs') expect(text.includes('aws-sm'), 'cli.cjs holds provider code').toBe(false);
    }
  });

  /**
   * Bundles the providers as dist/ bundles them (split, packages outside) into a fresh folder,
   * with or without the project's node_modules, and reads `ref` there with plain Node.
   */
  async function readWithPlainNode(ref: string, env: NodeJS.ProcessEnv, withPackages: boolean): Promise<{ stdout: string; stderr: string }> {
    const dir = tmp();
    await build({ entryPoints: { providers: join(REPO, 'src/adapters/providers/index.ts') }, outdir: dir, outExtension: { '.js': '.mjs' }, bundle: true, splitting: true, format: 'esm', platform: 'node', packages: 'external', logLevel: 'silent' });
    if (withPackages) symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const script = `import(${JSON.stringify(join(dir, 'providers.mjs'))}).then((m) => m.readProvider(${JSON.stringify(ref)}, { env: ${JSON.stringify(env)} })).then((r) => process.stdout.write(JSON.stringify(r)), (e) => process.stdout.write(JSON.stringify({ code: e.code, message: e.message, hint: e.hint })))`;
    // A clean environment: the SDK's chain must find nothing of this machine's.
    const processEnv = { PATH: process.env.PATH ?? '', HOME: dir, AWS_CONFIG_FILE: join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'), AWS_EC2_METADATA_DISABLED: 'true' };
    // Not spawnSync: the stand-in server answers from this process's event loop.
    const result = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, env: processEnv }, (_, stdout, stderr) => resolve({ stdout, stderr }));
    });
    return result;
  }

  it('reads aws-sm:// with the real SDK under plain Node, as the built package does, and writes nothing to stderr', async () => {
    const server = await startServer(() => awsSecret({ SecretString: '{"A":"a"}' }));
    try {
      const env = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_ENDPOINT_URL_SECRETS_MANAGER: server.origin };
      const { stdout, stderr } = await readWithPlainNode('aws-sm://prod/app', env, true);
      expect(JSON.parse(stdout)).toEqual({ ref: 'aws-sm://prod/app', values: { A: 'a' } });
      expect(stderr).toBe('');
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('says how to install the AWS SDK when it is missing (installed with --omit=optional)', async () => {
    const { stdout, stderr } = await readWithPlainNode('aws-sm://prod/app', {}, false);
    expect(JSON.parse(stdout)).toEqual({
      code: 'PROVIDER_NOT_CONFIGURED',
      message: 'aws-sm://prod/app: reading AWS Secrets Manager needs @aws-sdk/client-secrets-manager, which is not installed',
      hint: 'npm install @aws-sdk/client-secrets-manager (an optional dependency of devsecrets, left out by --omit=optional)',
    });
    expect(stderr).toBe('');
  });
});
