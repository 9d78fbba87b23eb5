/** `devsecrets run [--redact] [--prefer-env] [--isolate] [--ephemeral] [--allow-expired] -- CMD [ARGS...]` */
import { canExecChild, execChild, runChild, type ChildOutcome } from '../../adapters/child-process.js';
import type { CommandContext } from '../context.js';
import { childLaunch, childStatus, prepareRunEnvironment, recordRun, reportInherited, type RunEnvironmentOptions } from '../run-environment.js';

/** `run`'s flags, as the fast path in `main.ts` and commander read them. */
export type RunOptions = RunEnvironmentOptions;

/**
 * Runs `command` with the environment {@link prepareRunEnvironment} builds: where Node has
 * `process.execve` and no `--redact`, by becoming it; otherwise by spawning it and staying
 * beside it (with `--redact`, its output through a redacting pipe).
 * @returns the child's exit status (128+N when signal N ended it), 127 when the command is
 *   not found, 126 when it cannot be executed
 * @throws DevsecretsError when the environment is refused, before anything starts
 */
export default async function run(context: CommandContext, command: string[], options: RunOptions): Promise<number> {
  const [executable, ...args] = command as [string, ...string[]];
  const environment = await prepareRunEnvironment(context, executable, options);
  reportInherited(context.output, environment.child);

  let outcome: ChildOutcome;
  if (options.redact !== true && canExecChild()) {
    // Becoming the child: nothing of ours runs afterwards, so the entry is written and what
    // was said has reached stderr first, and stdio is left as the child expects it.
    await recordRun(context, environment, executable);
    await context.output.handOver();
    outcome = await execChild(executable, args, environment.child.env);
  } else {
    // Spawned first: the audit entry is then written while the child starts, on the other
    // core, so the log costs `run` next to no start-up time.
    const launch = await childLaunch(environment, options.redact);
    const running = runChild(executable, args, launch.env, launch.options);
    await recordRun(context, environment, executable);
    outcome = await running;
  }
  return childStatus(context.output, outcome, executable);
}
