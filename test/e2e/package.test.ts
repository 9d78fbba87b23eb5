// The published package, as a user gets it: `npm pack` of this repository installed into
// a fresh project (without the optional keytar, as on a machine that cannot build it), then
// the installed `devsecrets` command run from that project's node_modules/.bin. `npm test`
// has just built dist/, so packing skips the prepare script.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupProjects, createProject, REPO, STANDARD_MANIFEST, type Project } from '../helpers/cli.js';

let project: Project;
let installed: string;

function npm(args: string[], cwd: string): string {
  const result = spawnSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

beforeAll(() => {
  project = createProject({ manifest: STANDARD_MANIFEST });
  writeFileSync(project.path('package.json'), `${JSON.stringify({ name: 'app', version: '1.0.0', private: true })}\n`);
  const tarball = npm(['pack', '--ignore-scripts', '--pack-destination', project.home], REPO).trim().split('\n').at(-1)!;
  npm(['install', '--prefer-offline', '--omit=optional', join(project.home, tarball)], project.dir);
  installed = project.path('node_modules', '.bin', 'devsecrets');
}, 120_000);

afterAll(() => cleanupProjects());

describe('the packed package', () => {
  it('ships the CLI, the templates and the manifest schema, and nothing of the sources', () => {
    const root = project.path('node_modules', 'devsecrets');
    expect(readdirSync(root).sort()).toEqual(['README.md', 'bin', 'dist', 'manifest.schema.json', 'package.json', 'templates']);
    expect(existsSync(join(root, 'templates', 'devsecrets.json'))).toBe(true);
    expect(existsSync(project.path('node_modules', 'keytar'))).toBe(false);
  });

  it('ships a code cache of the CLI that this Node accepts, as the installed command compiles it', () => {
    const root = project.path('node_modules', 'devsecrets');
    expect(existsSync(join(root, 'dist', 'cli.cjs.cache'))).toBe(true);
    const probe = "process.stdout.write(String(require(process.argv[1]).compileCli().script.cachedDataRejected))";
    const result = spawnSync(process.execPath, ['-e', probe, join(root, 'bin', 'devsecrets.js')], { encoding: 'utf8' });
    expect(result.stdout, result.stderr).toBe('false');
  });

  it('is a library for ES modules (import) and CommonJS (require) alike, typed for TypeScript', () => {
    const use = (name: string, source: string) => {
      writeFileSync(project.path(name), source);
      return spawnSync(process.execPath, [name], { cwd: project.dir, env: project.env, encoding: 'utf8' });
    };
    const esm = use('esm.mjs', "import { loadEnv } from 'devsecrets';\nconst env = await loadEnv({ from: 'mock://7' });\nprocess.stdout.write(JSON.stringify([typeof env.STRIPE_KEY, Object.isFrozen(env)]));\n");
    expect(esm.stdout, esm.stderr).toBe('["string",true]');
    const cjs = use('cjs.cjs', "const { loadEnv, DevsecretsError } = require('devsecrets');\nloadEnv({ from: 'mock://7' }).then((env) => process.stdout.write(JSON.stringify([typeof env.STRIPE_KEY, typeof DevsecretsError])));\n");
    expect(cjs.stdout, cjs.stderr).toBe('["string","function"]');
    const types = join(project.path('node_modules', 'devsecrets'), 'dist', 'types', 'src', 'index.d.ts');
    expect(readFileSync(types, 'utf8')).toContain('export declare function loadEnv<T extends object');
  });

  it('installs a working devsecrets command: init, run, doctor, and a usage error', () => {
    const run = (args: string[]) => spawnSync(installed, args, { cwd: project.dir, env: project.env, encoding: 'utf8' });

    const init = run(['init']);
    expect(init.stderr).toContain('store created with 7 fake values');
    expect(init.status).toBe(0);

    const child = run(['run', '--', 'node', '-e', 'process.stdout.write(process.env.STRIPE_KEY)']);
    expect(child.status).toBe(0);
    expect(child.stdout).toMatch(/^sk_test_FAKE[A-Za-z0-9]{20}$/);

    const doctor = run(['doctor', '--json']);
    expect(JSON.parse(doctor.stdout)).toMatchObject({ ok: true });

    const usage = run(['frobnicate']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("devsecrets: error: unknown command 'frobnicate'");
  });
});
