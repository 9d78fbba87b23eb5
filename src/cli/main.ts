/**
 * The devsecrets front door, and the only module that sets the process's exit code.
 *
 * `devsecrets run` starts on every `npm start`, so this file is bundled on its own as
 * CommonJS with the `run` command inside (Node starts a CommonJS program about 10 ms sooner
 * than an ES module), and a plain `run [flags] -- CMD` is read here without loading
 * commander. Everything else — other commands, help, an unknown flag, a missing command —
 * goes to the full program (`program.ts`, an ES module loaded on demand), which explains it.
 */
import type { RunOptions } from './commands/run.js';
import { processContext } from './context.js';
import { reportFailure } from './failure.js';
import { createOutput, type Output } from './output.js';
import { RUN_FLAGS } from './run-flags.js';

/**
 * `devsecrets run [flags] [--] CMD [ARGS...]` with only known flags, read without commander;
 * undefined for anything else, which commander then handles.
 */
function readPlainRun(argv: readonly string[]): { options: RunOptions; command: string[] } | undefined {
  if (argv[2] !== 'run') return undefined;
  const options: RunOptions = {};
  for (let index = 3; index < argv.length; index += 1) {
    const word = argv[index]!;
    if (word === '--' || !word.startsWith('-')) {
      const command = argv.slice(word === '--' ? index + 1 : index);
      return command.length > 0 ? { options, command } : undefined;
    }
    const flag = RUN_FLAGS[word as keyof typeof RUN_FLAGS];
    if (flag === undefined) return undefined;
    options[flag[0]] = true;
  }
  return undefined;
}

async function main(argv: string[], output: Output): Promise<number> {
  const plainRun = readPlainRun(argv);
  if (plainRun === undefined) {
    const { runProgram } = await import('./program.js');
    return runProgram(argv, output);
  }
  try {
    const { default: run } = await import('./commands/run.js');
    return await run(processContext(output, undefined, false), plainRun.command, plainRun.options);
  } catch (error) {
    return reportFailure(error, argv, output);
  }
}

const output = createOutput();
main(process.argv, output).then(
  (code) => {
    // exitCode rather than exit(): pending stdout writes to a pipe are flushed first.
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = reportFailure(error, process.argv, output);
  },
);
