/**
 * `"fake": false` end to end: devsecrets makes no value for an optional variable so
 * declared, the child gets one only from the environment, and `run` checks that value even
 * though the store's stamp lets it skip the checks of stored ones.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupProjects, createProject } from '../helpers/cli.js';

afterEach(cleanupProjects);

const PRINT = ['node', '-e', 'process.stdout.write(process.env.NEXTAUTH_URL ?? "(unset)")'];

describe('"fake": false', () => {
  it('leaves the variable out, and checks a value the environment gives', () => {
    const project = createProject({
      manifest: {
        vars: {
          NEXTAUTH_URL: { type: 'url', protocols: ['https', 'http'], required: false, fake: false },
          SESSION_KEY: { type: 'bytes', encoding: 'base64', length: 32, secret: true },
        },
      },
    });
    expect(project.run(['init']).code).toBe(0);
    const listing = JSON.parse(project.run(['ls', '--json']).stdout) as { vars: { name: string; origin: string }[] };
    expect(listing.vars.find((entry) => entry.name === 'NEXTAUTH_URL')?.origin).toBe('missing');

    expect(project.run(['run', '--', ...PRINT])).toMatchObject({ code: 0, stdout: '(unset)' });
    expect(project.run(['run', '--', ...PRINT], { env: { NEXTAUTH_URL: 'http://localhost:3000' } })).toMatchObject({ code: 0, stdout: 'http://localhost:3000' });
    const refused = project.run(['run', '--', ...PRINT], { env: { NEXTAUTH_URL: 'ftp://localhost' } });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('NEXTAUTH_URL: must be a https or http url');
    expect(project.run(['sync']).stderr).not.toContain('NEXTAUTH_URL');
  });
});
