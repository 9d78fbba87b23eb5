/**
 * Loader-control variables with the built CLI: a manifest declaring LD_PRELOAD (and the
 * like) is refused by every command, exit 3; one declared with "loaderControl": true works
 * from its default or a value a person sets, and devsecrets never makes a fake for it — not
 * at init, rotate, sync, run --ephemeral or doctor --fix.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupProjects, createProject, script, type Project } from '../helpers/cli.js';

afterEach(cleanupProjects);

const PRINT_NODE_OPTIONS = script('process.stdout.write(JSON.stringify(process.env.NODE_OPTIONS ?? null))');
const PLAIN = { PORT: { type: 'port' }, LOG_LEVEL: { type: 'enum', values: ['debug', 'info'], default: 'info' } };
const SET_VALUE = '--max-old-space-size=321';

interface Finding {
  code: string;
  level: string;
  var?: string;
  message: string;
  fix?: string;
}

interface LsRow {
  name: string;
  origin: string;
  value: string | null;
}

function doctor(project: Project, args: readonly string[] = []): { code: number; findings: Finding[] } {
  const result = project.run(['doctor', '--json', ...args]);
  return { code: result.code, findings: (JSON.parse(result.stdout) as { findings: Finding[] }).findings };
}

function row(project: Project, name: string): LsRow | undefined {
  const result = project.run(['ls', '--json']);
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { vars: LsRow[] }).vars.find((entry) => entry.name === name);
}

/** A project whose manifest opts NODE_OPTIONS in, `extra` merged into its spec, after init. */
function initialised(extra: Record<string, unknown> = {}): { project: Project; init: ReturnType<Project['run']> } {
  const project = createProject({ manifest: { version: 1, vars: { ...PLAIN, NODE_OPTIONS: { type: 'string', loaderControl: true, ...extra } } } });
  const init = project.run(['init']);
  expect(init.code, init.stderr).toBe(0);
  return { project, init };
}

describe('a loader-control variable the manifest does not opt in', () => {
  it.each([
    ['init', ['init']],
    ['run', ['run', '--', 'true']],
    ['check', ['check']],
  ])('is refused by %s: exit 3, MANIFEST_INVALID, named with how to opt in; nothing is written', (_command, args) => {
    const project = createProject({ manifest: { version: 1, vars: { ...PLAIN, LD_PRELOAD: { type: 'string' } } } });

    const result = project.run(args);

    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^devsecrets: error: manifest .*devsecrets\.json is invalid \(1 problem\) \[MANIFEST_INVALID\]$/m);
    expect(result.stderr).toMatch(/^devsecrets: {3}LD_PRELOAD: controls how programs load code \(the dynamic linker .*\): remove it, or declare it on purpose with "loaderControl": true$/m);
    expect(result.stderr).toMatch(/^devsecrets: hint: add "loaderControl": true to declare each on purpose, or remove it; .*devsecrets set NAME/m);
    expect(project.run(['ls']).code).toBe(3);
    expect(() => project.read('.devsecrets', 'store.age')).toThrow();
  });

  it('is refused in any case, and --json names it', () => {
    const project = createProject({ manifest: { version: 1, vars: { ...PLAIN, node_options: { type: 'string', default: '--require ./x.js' } } } });

    const result = project.run(['check', '--json']);

    expect(result.code).toBe(3);
    const document = JSON.parse(result.stdout) as { ok: boolean; findings: Finding[] };
    expect(document.ok).toBe(false);
    expect(document.findings).toEqual([expect.objectContaining({ code: 'MANIFEST_INVALID', var: 'node_options' })]);
  });

  it('added to the manifest of a working store: run refuses it, though the store was checked before', () => {
    const project = createProject({ manifest: { version: 1, vars: PLAIN } });
    expect(project.run(['init']).code).toBe(0);
    expect(project.run(['run', '--', 'true']).code).toBe(0);
    project.writeManifest({ version: 1, vars: { ...PLAIN, BASH_ENV: { type: 'string', default: './evil.sh' } } });

    const result = project.run(['run', '--', 'true']);

    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^devsecrets: {3}BASH_ENV: controls how programs load code \(bash runs the file it names/m);
  });

  it('doctor reports it as MANIFEST_INVALID (error)', () => {
    const project = createProject({ manifest: { version: 1, vars: { ...PLAIN, DYLD_INSERT_LIBRARIES: { type: 'string' } } } });

    const { code, findings } = doctor(project);

    expect(code).toBe(1);
    expect(findings).toContainEqual(expect.objectContaining({ code: 'MANIFEST_INVALID', level: 'error', var: 'DYLD_INSERT_LIBRARIES', message: expect.stringContaining('"loaderControl": true') }));
  });
});

describe('a loader-control variable declared with "loaderControl": true', () => {
  it('with a default: init makes no fake for it, and run gives the child the default, which Node honours', () => {
    const { project, init } = initialised({ default: '--max-old-space-size=100' });
    expect(init.stderr).toContain('store created with 2 fake values');
    expect(init.stderr).not.toContain('NODE_OPTIONS');
    expect(row(project, 'NODE_OPTIONS')).toMatchObject({ origin: 'default', value: '--max-old-space-size=100' });

    const seen = project.run(['run', '--', ...PRINT_NODE_OPTIONS]);
    expect(seen.code, seen.stderr).toBe(0);
    expect(JSON.parse(seen.stdout)).toBe('--max-old-space-size=100');

    const heap = project.run(['run', '--', ...script("process.stdout.write(String(require('v8').getHeapStatistics().heap_size_limit))")]);
    expect(heap.code, heap.stderr).toBe(0);
    // Far below this Node's own limit without the option (how far differs between Node versions).
    const usual = spawnSync(process.execPath, ['-e', "process.stdout.write(String(require('v8').getHeapStatistics().heap_size_limit))"], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    expect(Number(heap.stdout)).toBeLessThan(Number(usual.stdout) / 2);
  });

  it('its default wins over an inherited value, as a stored value does, and says so; --prefer-env keeps the inherited one', () => {
    const { project } = initialised({ default: '--no-warnings' });

    const overridden = project.run(['run', '--', ...PRINT_NODE_OPTIONS], { env: { NODE_OPTIONS: '--no-deprecation' } });
    expect(overridden.code, overridden.stderr).toBe(0);
    expect(JSON.parse(overridden.stdout)).toBe('--no-warnings');
    expect(overridden.stderr).toMatch(/^devsecrets: NODE_OPTIONS: .*overrides the inherited one$/m);

    const kept = project.run(['run', '--prefer-env', '--', ...PRINT_NODE_OPTIONS], { env: { NODE_OPTIONS: '--no-deprecation' } });
    expect(kept.code, kept.stderr).toBe(0);
    expect(JSON.parse(kept.stdout)).toBe('--no-deprecation');
  });

  it('without a default: init seeds everything else and says how to set it; run refuses until devsecrets set', () => {
    const { project, init } = initialised();
    expect(init.stderr).toContain('store created with 2 fake values');
    expect(init.stderr).toContain('devsecrets: warning: NODE_OPTIONS has no fake (it controls how programs load code): set it with devsecrets set NODE_OPTIONS, or give it a default');
    expect(row(project, 'NODE_OPTIONS')).toMatchObject({ origin: 'missing', value: null });

    const refused = project.run(['run', '--', ...PRINT_NODE_OPTIONS]);
    expect(refused.code).toBe(3);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/^devsecrets: error: refusing to run: 1 problem with the environment \[VALIDATION_FAILED\]$/m);
    expect(refused.stderr).toContain('devsecrets:   NODE_OPTIONS: is required but has no value; it has no fake (it controls how programs load code): set it with devsecrets set NODE_OPTIONS, or give it a default');
    const before = doctor(project);
    expect(before.code).toBe(1);
    expect(before.findings).toContainEqual(expect.objectContaining({ code: 'DRIFT_MISSING_VAR', level: 'error', var: 'NODE_OPTIONS', fix: 'devsecrets set NODE_OPTIONS' }));

    expect(project.run(['set', 'NODE_OPTIONS'], { input: SET_VALUE }).code).toBe(0);
    const seen = project.run(['run', '--', ...PRINT_NODE_OPTIONS]);
    expect(seen.code, seen.stderr).toBe(0);
    expect(JSON.parse(seen.stdout)).toBe(SET_VALUE);
    expect(row(project, 'NODE_OPTIONS')).toMatchObject({ origin: 'set' });
    const after = doctor(project);
    expect(after.code).toBe(0);
    expect(after.findings.filter((finding) => finding.var === 'NODE_OPTIONS').map((finding) => `${finding.code}:${finding.level}`)).toEqual(['LOADER_VARIABLE:warn']);
    expect(JSON.stringify(after.findings)).not.toContain(SET_VALUE);
  });

  it('doctor warns (LOADER_VARIABLE) so reviewers notice, and the report stays ok', () => {
    const { project } = initialised({ default: '--max-old-space-size=4096' });

    const { code, findings } = doctor(project);

    expect(code).toBe(0);
    expect(findings.filter((finding) => finding.var === 'NODE_OPTIONS')).toEqual([
      expect.objectContaining({ code: 'LOADER_VARIABLE', level: 'warn', message: expect.stringContaining('--require'), fix: expect.stringContaining('never generates one') }),
    ]);
    expect(JSON.stringify(findings)).not.toContain('max-old-space-size');
  });
});

describe('no fake is ever made for one', () => {
  it('rotate regenerates everything else and refuses to rotate it by name', () => {
    const { project } = initialised();

    const all = project.run(['rotate']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stderr).not.toContain('NODE_OPTIONS');
    expect(row(project, 'NODE_OPTIONS')).toMatchObject({ origin: 'missing' });

    const named = project.run(['rotate', 'NODE_OPTIONS']);
    expect(named.code).toBe(3);
    expect(named.stderr).toMatch(/^devsecrets: error: cannot rotate NODE_OPTIONS: devsecrets makes no fake .* \[FAKE_UNAVAILABLE\]$/m);
    expect(row(project, 'NODE_OPTIONS')).toMatchObject({ origin: 'missing' });
  });

  it('sync adds new variables but not it, and says how to set it', () => {
    const { project } = initialised();
    const manifest = project.manifest();
    project.writeManifest({ ...manifest, version: 2, vars: { ...manifest.vars, API_TIMEOUT: { type: 'int', min: 1, max: 60 } } });

    const result = project.run(['sync']);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('devsecrets: added with fresh fakes: API_TIMEOUT\n');
    expect(result.stderr).toContain('devsecrets: warning: NODE_OPTIONS has no fake (it controls how programs load code): set it with devsecrets set NODE_OPTIONS, or give it a default');
    expect(row(project, 'NODE_OPTIONS')).toMatchObject({ origin: 'missing' });
    expect(row(project, 'API_TIMEOUT')).toMatchObject({ origin: 'generated' });
  });

  it('run --ephemeral gives the child its default, or the inherited value, never a fake', () => {
    const withDefault = createProject({ manifest: { version: 1, vars: { ...PLAIN, NODE_OPTIONS: { type: 'string', loaderControl: true, default: '--no-warnings' } } } });
    const fromDefault = withDefault.run(['run', '--ephemeral', '--', ...PRINT_NODE_OPTIONS]);
    expect(fromDefault.code, fromDefault.stderr).toBe(0);
    expect(JSON.parse(fromDefault.stdout)).toBe('--no-warnings');

    const required = createProject({ manifest: { version: 1, vars: { ...PLAIN, NODE_OPTIONS: { type: 'string', loaderControl: true } } } });
    const refused = required.run(['run', '--ephemeral', '--', ...PRINT_NODE_OPTIONS]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('NODE_OPTIONS: is required but has no value');
    const inherited = required.run(['run', '--ephemeral', '--', ...PRINT_NODE_OPTIONS], { env: { NODE_OPTIONS: SET_VALUE } });
    expect(inherited.code, inherited.stderr).toBe(0);
    expect(JSON.parse(inherited.stdout)).toBe(SET_VALUE);
  });

  it('doctor --fix seeds missing variables but not it, and a second doctor still names it', () => {
    const { project } = initialised();
    project.run(['unset', 'PORT']);

    const fixed = project.run(['doctor', '--fix']);

    expect(fixed.stderr).toContain('devsecrets: fixed: seeded PORT with fresh fakes');
    expect(fixed.stderr).not.toMatch(/fixed: .*NODE_OPTIONS/);
    expect(row(project, 'NODE_OPTIONS')).toMatchObject({ origin: 'missing' });
    expect(row(project, 'PORT')).toMatchObject({ origin: 'generated' });
    expect(doctor(project).findings).toContainEqual(expect.objectContaining({ code: 'DRIFT_MISSING_VAR', var: 'NODE_OPTIONS', fix: 'devsecrets set NODE_OPTIONS' }));
  });
});

describe('init --from an example file', () => {
  it('declares NODE_OPTIONS on purpose with the example value as its default, says so, and run uses it', () => {
    const project = createProject({ files: { '.env.example': 'PORT=3000\nNODE_OPTIONS=--max-old-space-size=4096\n' } });

    const init = project.run(['init', '--from', '.env.example']);

    expect(init.code, init.stderr).toBe(0);
    expect(project.manifest().vars.NODE_OPTIONS).toEqual({ type: 'string', loaderControl: true, default: '--max-old-space-size=4096' });
    expect(init.stderr).toContain(
      'devsecrets: warning: NODE_OPTIONS controls how programs load code: the manifest declares it on purpose ("loaderControl": true), with the example\'s value as its default; review it before you commit',
    );
    const seen = project.run(['run', '--', ...PRINT_NODE_OPTIONS]);
    expect(seen.code, seen.stderr).toBe(0);
    expect(JSON.parse(seen.stdout)).toBe('--max-old-space-size=4096');
  });
});
