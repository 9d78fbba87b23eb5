/**
 * How a child starts under `--redact`, for plain `run` and every start of `run --watch`
 * alike: its stdout and stderr through a pipe that replaces the secrets of its environment,
 * colour kept. Loaded only with `--redact`.
 */
import type { RunChildOptions } from '../adapters/child-process.js';
import { keepColour, redactingOutput } from '../adapters/redacting-pipe.js';
import { redactedSecrets } from '../core/redactor.js';
import type { RunEnvironment } from './run-environment.js';

/** The environment and spawn options of a redacted child of `environment`. */
export function redactedLaunch(environment: RunEnvironment): { env: Record<string, string>; options: RunChildOptions } {
  const env = environment.child.env;
  return { env: keepColour(env), options: { output: redactingOutput(redactedSecrets(environment.manifest, env)) } };
}
