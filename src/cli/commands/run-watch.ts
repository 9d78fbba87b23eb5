/**
 * `devsecrets run --watch [--watch-path GLOB]... [--grace DURATION] -- CMD [ARGS...]`: `run`,
 * kept beside its child and restarting it on a change (see `../watch-session.ts`). Loaded only
 * with `--watch`, and chokidar with it.
 */
import { DURATION_REASON, durationMs } from '../../core/duration-text.js';
import { DevsecretsError } from '../../core/errors.js';
import { locateManifest } from '../../adapters/manifest-file.js';
import type { CommandContext } from '../context.js';
import { prepareRunEnvironment, reportInherited, type RunEnvironment } from '../run-environment.js';
import { WatchSession } from '../watch-session.js';
import type { RunOptions } from './run.js';

/** `run`'s flags with `--watch` and its own. */
export interface RunWatchOptions extends RunOptions {
  watch?: boolean;
  /** `--watch-path`, repeatable: globs relative to the working folder. */
  watchPath?: string[];
  /** `--grace`: how long a stopped child may take to end before SIGKILL. */
  grace?: string;
}

const DEFAULT_GRACE = '5s';

/**
 * Runs `command` as `run` does, then restarts it on every valid change until a signal stops
 * devsecrets (see `WatchSession`).
 * @returns the last child's exit status (128+N when signal N ended it), 128+N for the signal
 *   that stopped devsecrets while no child ran, 127 or 126 when the command cannot be started
 * @throws DevsecretsError `USAGE` for a `--grace` that is no duration; any refusal of the first
 *   environment, as `run` refuses it (nothing is watched then)
 */
export default async function runWatch(context: CommandContext, command: string[], options: RunWatchOptions): Promise<number> {
  const graceMs = graceOf(options.grace);
  const [executable] = command as [string, ...string[]];
  const session = new WatchSession(context, command, { ...options, graceMs });
  // Watching starts before the first environment is read, so that no change after that read is missed.
  const location = locateManifest(context.cwd, context.manifestPath);
  session.watch(location.exists ? location.path : undefined, location.root);
  let environment: RunEnvironment;
  try {
    environment = await prepareRunEnvironment(context, executable, options, session.seed);
  } catch (error) {
    await session.close();
    throw error;
  }
  reportInherited(context.output, environment.child);
  return session.run(environment);
}

/** The `--grace` duration in milliseconds. @throws DevsecretsError `USAGE` when it is no duration */
function graceOf(text: string | undefined): number {
  const ms = durationMs(text ?? DEFAULT_GRACE);
  if (ms === undefined) throw new DevsecretsError('USAGE', `--grace ${DURATION_REASON} (or 500ms)`, { hint: 'for example --grace 10s' });
  return ms;
}
