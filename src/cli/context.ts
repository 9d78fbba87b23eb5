/**
 * What every command receives: where it runs, its environment and its output. Commands
 * read nothing global themselves, so tests and the library see the same behaviour.
 */
import type { Output } from './output.js';

export interface CommandContext {
  output: Output;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** `--manifest PATH`, when given. */
  manifestPath: string | undefined;
  /** `--json` was given to the command. */
  json: boolean;
}

/** The context of this process's command. */
export function processContext(output: Output, manifestPath: string | undefined, json: boolean): CommandContext {
  return { output, env: process.env, cwd: process.cwd(), manifestPath, json };
}
