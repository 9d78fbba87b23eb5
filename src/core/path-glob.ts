/**
 * The path globs of `run --watch-path`: `*` matches any characters but `/`, `?` one such
 * character, and `**` as a whole segment any number of folders (none included); every other
 * character matches itself, so repeat the option for alternatives. A glob also covers what is
 * inside what it matches: `src`, `src/**` and `src/*` all watch the whole `src` folder.
 *
 * chokidar (since v4) takes no globs, so a glob is cut into the folder to watch (its leading
 * segments without a wildcard) and a matcher for the paths below it. Matching keeps the set of
 * glob positions a path can have reached, segment by segment, and matches each segment with
 * the usual two-pointer wildcard walk: time grows with the lengths, never exponentially, and no
 * regex is built from what a person typed.
 */

/** A compiled `--watch-path` glob. */
export interface PathGlob {
  /**
   * The folder (or file) to watch: the glob's leading segments without a wildcard, `/`-separated
   * as written (absolute when the glob is, `.` when the glob starts with a wildcard).
   */
  base: string;
  /**
   * Whether `relative` (a `/`-separated path below `base`; empty for `base` itself) matches the
   * glob, or lies inside a folder that does.
   */
  matches(relative: string): boolean;
  /** Whether the folder `relative` (below `base`) can hold a path that {@link matches}. */
  mayHoldMatch(relative: string): boolean;
}

const GLOBSTAR = '**';

/** Compiles a `--watch-path` glob (see the module comment for its syntax). */
export function compilePathGlob(glob: string): PathGlob {
  const segments = glob.split('/').filter((segment) => segment !== '' && segment !== '.');
  const literal = segments.findIndex(hasWildcard);
  const baseSegments = literal === -1 ? segments : segments.slice(0, literal);
  const rest = literal === -1 ? [] : segments.slice(literal);
  const joined = baseSegments.join('/');
  const base = glob.startsWith('/') ? `/${joined}` : joined === '' ? '.' : joined;
  return {
    base,
    matches: (relative) => walk(rest, relative) === 'matched',
    mayHoldMatch: (relative) => walk(rest, relative) !== 'impossible',
  };
}

function hasWildcard(segment: string): boolean {
  return segment.includes('*') || segment.includes('?');
}

/**
 * Runs `relative`'s segments through the glob's `pattern` segments: `matched` once the whole
 * pattern has been matched (by the path or one of its folders), `possible` while a longer path
 * still could, `impossible` otherwise.
 */
function walk(pattern: readonly string[], relative: string): 'matched' | 'possible' | 'impossible' {
  let states = closure(pattern, new Set([0]));
  if (states.has(pattern.length)) return 'matched';
  for (const segment of relative.split('/')) {
    if (segment === '' || segment === '.') continue;
    const next = new Set<number>();
    for (const index of states) {
      const part = pattern[index]!;
      if (part === GLOBSTAR) next.add(index);
      else if (segmentMatches(part, segment)) next.add(index + 1);
    }
    states = closure(pattern, next);
    if (states.has(pattern.length)) return 'matched';
    if (states.size === 0) return 'impossible';
  }
  return 'possible';
}

/** `states` plus the positions reached by letting each `**` match no folder at all. */
function closure(pattern: readonly string[], states: Set<number>): Set<number> {
  for (const index of states) {
    if (pattern[index] === GLOBSTAR) states.add(index + 1);
  }
  return states;
}

/**
 * Whether one path segment matches one glob segment (`*` and `?` inside it): the classic
 * wildcard walk, which on a mismatch goes back only to the last `*` — O(text × pattern) at worst.
 */
function segmentMatches(pattern: string, text: string): boolean {
  const glob = [...pattern];
  const chars = [...text];
  let g = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < chars.length) {
    if (g < glob.length && (glob[g] === '?' || (glob[g] !== '*' && glob[g] === chars[t]))) {
      g += 1;
      t += 1;
    } else if (g < glob.length && glob[g] === '*') {
      star = g;
      resume = t;
      g += 1;
    } else if (star !== -1) {
      g = star + 1;
      resume += 1;
      t = resume;
    } else {
      return false;
    }
  }
  while (g < glob.length && glob[g] === '*') g += 1;
  return g === glob.length;
}
