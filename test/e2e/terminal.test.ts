// Behaviour that depends on a terminal, under a real pseudo-terminal (util-linux `script`).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { available, BIN, cleanupProjects, createProject, STANDARD_MANIFEST, type Project } from '../helpers/cli.js';

const hasScript = available('util-linux script', spawnSync('script', ['--version']).status === 0);
afterEach(() => cleanupProjects());

/** Runs devsecrets with stdin, stdout and stderr on a pseudo-terminal; returns the merged screen text. */
function onTerminal(project: Project, args: string[], env: Record<string, string> = {}, typed?: string): { code: number; screen: string } {
  const command = [process.execPath, BIN, ...args].map((word) => `'${word}'`).join(' ');
  // Typing waits a moment, as a person would, so it reaches the prompt rather than the
  // terminal before devsecrets has turned echo off.
  const keys = typed === undefined ? 'true' : `sleep 1; printf '%s\\r' "$TYPED"`;
  const result = spawnSync('sh', ['-c', `(${keys}) | script -qec "$COMMAND" /dev/null`], {
    cwd: project.dir,
    env: { ...project.env, ...env, COMMAND: command, TYPED: typed ?? '' },
    encoding: 'utf8',
  });
  return { code: result.status ?? -1, screen: result.stdout };
}

describe.skipIf(!hasScript)('on a terminal', () => {
  it('get refuses to print a secret without --reveal; a non-secret prints', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    expect(project.run(['init']).code).toBe(0);
    const secret = project.run(['get', 'STRIPE_KEY']).stdout.trim();

    const refused = onTerminal(project, ['get', 'STRIPE_KEY']);
    expect(refused.code).toBe(1);
    expect(refused.screen).toContain('STRIPE_KEY is secret; refusing to print it to a terminal');
    expect(refused.screen).not.toContain(secret);

    const revealed = onTerminal(project, ['get', 'STRIPE_KEY', '--reveal']);
    expect(revealed.code).toBe(0);
    expect(revealed.screen).toContain(secret);

    expect(onTerminal(project, ['get', 'LOG_LEVEL']).screen).toContain('info');
  });

  it('set asks for the value without echoing it', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    expect(project.run(['init']).code).toBe(0);
    const typed = 'sk_test_TYPEDtypedTYPEDtypedTYPE';

    const result = onTerminal(project, ['set', 'STRIPE_KEY'], {}, typed);

    expect(result.code).toBe(0);
    expect(result.screen).toContain('value for STRIPE_KEY (not echoed):');
    expect(result.screen).not.toContain(typed);
    expect(project.run(['get', 'STRIPE_KEY']).stdout).toBe(`${typed}\n`);
  });

  it('doctor --fix undoes a project\'s own negation only when the person says yes', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    expect(project.run(['init']).code).toBe(0);
    project.write('services/api/.gitignore', 'node_modules/\n!.env\n');
    project.write('services/api/.env', 'X=1\n');

    const declined = onTerminal(project, ['doctor', '--fix'], {}, 'n');
    expect(declined.screen).toContain('services/api/.env is re-included by services/api/.gitignore:2 (!.env); remove that line?');
    expect(project.read('services', 'api', '.gitignore')).toBe('node_modules/\n!.env\n');

    const accepted = onTerminal(project, ['doctor', '--fix'], {}, 'y');
    expect(accepted.screen).toContain('fixed: removed !.env (line 2) from services/api/.gitignore');
    expect(project.read('services', 'api', '.gitignore')).toBe('node_modules/\n');
    expect(project.run(['doctor']).stderr).not.toContain('GITIGNORE_UNCOVERED');
  });

  it('destroy asks on a terminal: no keeps everything, yes deletes the store and its identity', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    expect(project.run(['init']).code).toBe(0);
    const identity = project.identityFile();

    const declined = onTerminal(project, ['destroy'], {}, 'n');
    expect(declined.code).toBe(1);
    expect(declined.screen).toContain('delete the store and its identity? values you set are lost [y/N]');
    expect(declined.screen).toContain('nothing deleted');
    expect(existsSync(project.path('.devsecrets', 'store.age'))).toBe(true);
    expect(existsSync(identity)).toBe(true);
    expect(project.read('.devsecrets', 'audit.log')).not.toContain('"action":"destroy"');

    const accepted = onTerminal(project, ['destroy'], {}, 'y');
    expect(accepted.code).toBe(0);
    expect(accepted.screen).toContain('deleted the store and its identity file');
    expect(existsSync(project.path('.devsecrets', 'store.age'))).toBe(false);
    expect(existsSync(project.path('.devsecrets', 'store.json'))).toBe(false);
    expect(existsSync(identity)).toBe(false);
  });

  it('doctor --fix: once a person removes a negation that was the only rule for a key file, the file gets its ignore rule in the same run', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    expect(project.run(['init']).code).toBe(0);
    project.write('.gitignore', `!deploy.pem\n${project.read('.gitignore')}`);
    project.write('deploy.pem', 'x\n');

    const fixed = onTerminal(project, ['doctor', '--fix'], {}, 'y');

    expect(fixed.screen).toContain('deploy.pem is re-included by .gitignore:1 (!deploy.pem); remove that line?');
    expect(fixed.screen).toContain('fixed: removed !deploy.pem (line 1) from .gitignore');
    expect(fixed.screen).toContain('fixed: added /deploy.pem to the devsecrets block of .gitignore');
    expect(JSON.parse(project.run(['doctor', '--json']).stdout)).toEqual({ ok: true, findings: [] });
  });

  it('doctor --fix offers a negation for an example the project\'s own rule hides, and adds it after that rule on a yes', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    expect(project.run(['init']).code).toBe(0);
    project.write('config/.gitignore', 'node_modules/\n*.example\nbuild/\n');
    project.write('config/.env.example', 'PORT=\n');

    const fixed = onTerminal(project, ['doctor', '--fix'], {}, 'y');

    expect(fixed.screen).toContain('config/.env.example is ignored by config/.gitignore:2 (*.example); add !/.env.example to config/.gitignore after line 2?');
    expect(fixed.screen).toContain('fixed: added !/.env.example to config/.gitignore after line 2, so config/.env.example can be committed');
    expect(project.read('config', '.gitignore')).toBe('node_modules/\n*.example\n!/.env.example\nbuild/\n');
    expect(JSON.parse(project.run(['doctor', '--json']).stdout)).toEqual({ ok: true, findings: [] });
  });

  it('colours diagnostics on a terminal, never with NO_COLOR', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    expect(onTerminal(project, ['run', '--', 'true']).screen).toContain('\u001b[31merror:');
    expect(onTerminal(project, ['run', '--', 'true'], { NO_COLOR: '1' }).screen).not.toContain('\u001b[');
    // An empty NO_COLOR counts as unset (no-color.org).
    expect(onTerminal(project, ['run', '--', 'true'], { NO_COLOR: '' }).screen).toContain('\u001b[31merror:');
    expect(project.run(['run', '--', 'true']).stderr).not.toContain('\u001b[');
  });
});
