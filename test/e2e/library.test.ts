// The library API, as a tool that cannot wrap a command uses it: the built package's
// `loadEnv` and `manifestJsonSchema`.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupProjects, createProject, REPO, STANDARD_MANIFEST } from '../helpers/cli.js';

interface Library {
  loadEnv(options: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<Record<string, string>>;
  manifestJsonSchema(): Record<string, unknown>;
  DevsecretsError: new (...args: never[]) => Error & { code: string; exitCode: number };
}

const library = (): Promise<Library> => import(`${REPO}dist/index.js`) as Promise<Library>;

afterEach(() => cleanupProjects());

describe('the library API', () => {
  it('loadEnv returns the validated manifest variables of the store, and nothing else', async () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    expect(project.run(['init']).code).toBe(0);
    const { loadEnv } = await library();

    const values = await loadEnv({ cwd: project.dir, env: project.env });

    expect(Object.keys(values).sort()).toEqual(Object.keys(STANDARD_MANIFEST.vars).sort());
    expect(values.STRIPE_KEY).toBe(project.run(['get', 'STRIPE_KEY']).stdout.trim());
    expect(values).not.toHaveProperty('PATH');
  });

  it('loadEnv refuses a store that fails the manifest (exit code 3) or is missing (4)', async () => {
    const { loadEnv, DevsecretsError } = await library();
    const project = createProject({ manifest: STANDARD_MANIFEST });
    await expect(loadEnv({ cwd: project.dir, env: project.env })).rejects.toMatchObject({ code: 'STORE_MISSING', exitCode: 4 });

    expect(project.run(['init']).code).toBe(0);
    project.writeManifest({ ...STANDARD_MANIFEST, vars: { ...STANDARD_MANIFEST.vars, STRIPE_KEY: { type: 'token', prefix: 'sk_test_', length: 40, secret: true } } });
    const refusal = await loadEnv({ cwd: project.dir, env: project.env }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(DevsecretsError);
    expect(refusal).toMatchObject({ code: 'VALIDATION_FAILED', exitCode: 3, issues: [{ var: 'STRIPE_KEY' }] });
  });

  it('manifestJsonSchema describes the manifest, strict about unknown fields', async () => {
    const schema = (await library()).manifestJsonSchema();
    expect(schema).toMatchObject({ type: 'object', additionalProperties: false });
    expect(Object.keys(schema.properties as object)).toEqual(expect.arrayContaining(['version', 'ttl', 'forbid', 'vars']));
  });
});
