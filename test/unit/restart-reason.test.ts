// Why `run --watch` restarts, in words: names and paths, never a value.
import { describe, expect, it } from 'vitest';
import { describeChanges, envChanges, hasEnvChanges } from '../../src/core/restart-reason.js';

describe('restart reasons', () => {
  it('names the variables that changed, appeared or went away, never their values', () => {
    const changes = envChanges(
      { SMTP_PORT: '25', API_KEY: 'sk_test_old', GONE: 'x', SAME: 'y' },
      { SMTP_PORT: '2525', API_KEY: 'sk_test_new', ADDED: 'z', SAME: 'y' },
    );

    expect(changes).toEqual({ changed: ['API_KEY', 'SMTP_PORT'], added: ['ADDED'], removed: ['GONE'] });
    const reason = describeChanges(changes, []);
    expect(reason).toBe('API_KEY, SMTP_PORT changed; ADDED added; GONE removed');
    for (const value of ['25', 'sk_test', 'x', 'z']) expect(reason).not.toContain(value);
  });

  it('names the first three changed files and counts the others', () => {
    const none = envChanges({ A: '1' }, { A: '1' });
    expect(hasEnvChanges(none)).toBe(false);
    expect(describeChanges(none, [])).toBe('');
    expect(describeChanges(none, ['src/a.ts'])).toBe('src/a.ts changed');
    expect(describeChanges(none, ['a', 'b', 'c', 'd'])).toBe('a, b, c and 1 more file changed');
    expect(describeChanges(envChanges({ A: '1' }, { A: '2' }), ['a', 'b', 'c', 'd', 'e'])).toBe('A changed; a, b, c and 2 more files changed');
  });
});
