/**
 * Manifest regexes that cannot hang, through the built CLI: `set` judges values against
 * catastrophic patterns, forbid rules and host globs, and `init` makes fakes for them. A
 * backtracking engine spins for ever on these inputs; the net is runCli's own timeout,
 * which fails the test. Lookaround and backreferences are manifest errors that name the
 * variable and the construct.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupProjects, createProject } from '../helpers/cli.js';

afterEach(cleanupProjects);

const a = (count: number): string => 'a'.repeat(count);

/** Each variable's pattern, a value that makes backtracking explode, and a value that matches. */
const PATTERNS: Record<string, readonly [pattern: string, adversarial: string, matching: string]> = {
  NESTED_PLUS: ['(a+)+$', `${a(34)}!`, a(34)],
  SAME_TWICE: ['(a|a)*$', `${a(40)}!`, a(3)],
  OVERLAPPING: ['(a|aa)+$', `${a(50)}!`, a(5)],
  WORDS: ['^(\\w+\\s?)*$', `${a(40)}!`, 'hello big world'],
  DOT_STAR: ['(.*a){20}', `${a(40)}!`, 'xa'.repeat(20)],
  STAR_STAR: ['(a*)*b', a(45), 'aaab'],
  NESTED_THRICE: ['((a+)+)+c', `${a(40)}!`, 'aac'],
};

const FORBID_REGEX = '/^(b+)+$/';
const FORBID_GLOB = `${'*b'.repeat(12)}*c`;
const HOST_GLOB = `${'*'.repeat(12)}.x`;

const MANIFEST = {
  version: 1,
  forbid: [FORBID_REGEX, FORBID_GLOB],
  vars: {
    ...Object.fromEntries(Object.entries(PATTERNS).map(([name, [pattern]]) => [name, { type: 'string', pattern }])),
    FREE: { type: 'string' },
    SERVICE_URL: { type: 'url', host: [HOST_GLOB] },
  },
};

describe('catastrophic manifest regexes', () => {
  it('init makes fakes for them, and set judges adversarial values without hanging', () => {
    const project = createProject({ manifest: MANIFEST });
    expect(project.run(['init']).code).toBe(0);

    for (const [name, [pattern, adversarial, matching]] of Object.entries(PATTERNS)) {
      const refused = project.run(['set', name, adversarial]);
      expect(refused.code, name).toBe(3);
      expect(refused.stderr).toContain(`devsecrets:   ${name}: must match the pattern ${pattern}\n`);
      expect(refused.stderr).not.toContain(adversarial);
      expect(project.run(['set', name, matching]).code, name).toBe(0);
    }

    expect(project.run(['set', 'FREE', `${'b'.repeat(45)}!`]).code).toBe(0);
    const byRegex = project.run(['set', 'FREE', 'bbbb']);
    expect(byRegex.code).toBe(3);
    expect(byRegex.stderr).toContain(`FREE: matches the manifest's forbid rule ${FORBID_REGEX}`);
    const byGlob = project.run(['set', 'FREE', `${'b'.repeat(12)}c`]);
    expect(byGlob.code).toBe(3);
    expect(byGlob.stderr).toContain(`FREE: matches the manifest's forbid rule ${FORBID_GLOB}`);

    const farHost = project.run(['set', 'SERVICE_URL', `https://${a(40)}.y/`]);
    expect(farHost.code).toBe(3);
    expect(farHost.stderr).toContain(`SERVICE_URL: must have a host matching ${HOST_GLOB}`);
    expect(project.run(['set', 'SERVICE_URL', `https://${a(40)}.x/`]).code).toBe(0);

    // --prefer-env makes run check every value again rather than trust the store's stamp.
    expect(project.run(['run', '--prefer-env', '--', 'node', '-e', '0'])).toMatchObject({ code: 0, stdout: '' });
  });

  it('refuses lookaround and backreferences as manifest errors naming the variable and the construct (exit 3)', () => {
    const project = createProject({
      manifest: {
        version: 1,
        forbid: ['/(?<=sk_)live_\\w+/'],
        vars: {
          REPEATED: { type: 'string', pattern: '(\\w+)-\\1' },
          LOOKAHEAD: { type: 'string', pattern: '(?=.*\\d)\\w{8,}' },
        },
      },
    });

    const result = project.run(['run', '--', 'true']);

    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^devsecrets: error: manifest .*devsecrets\.json is invalid \(3 problems\) \[MANIFEST_INVALID\]$/m);
    expect(result.stderr).toMatch(/^devsecrets: {3}REPEATED: pattern uses a backreference \(\\1 or \\k<name>\): manifest regexes are RE2 syntax, .*; rewrite the pattern without it$/m);
    expect(result.stderr).toMatch(/^devsecrets: {3}LOOKAHEAD: pattern uses a lookahead \(\?=…\) or \(\?!…\): /m);
    expect(result.stderr).toMatch(/^devsecrets: {3}forbid\[0\]: "\/\(\?<=sk_\)live_\\w\+\/" uses a lookbehind \(\?<=…\) or \(\?<!…\): /m);
    expect(result.stderr).toMatch(/^devsecrets: hint: /m);
  });
});
