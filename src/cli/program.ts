/**
 * The devsecrets program: declares every command to commander, loads each command's code
 * only when it runs, and turns commander's verdicts (help, version, usage errors) into
 * exit codes. `main` hands it everything but a plain `run`.
 */
import type { Command } from 'commander';
import { DevsecretsError, ExitCode } from '../core/errors.js';
import { SCHEMA_FORMATS } from '../core/schema/formats.js';
import { processContext, type CommandContext } from './context.js';
import { errorReport, reportFailure } from './failure.js';
import type { Output } from './output.js';
import { RUN_FLAGS } from './run-flags.js';

declare const DEVSECRETS_VERSION: string;

type Action = (context: CommandContext, ...args: never[]) => Promise<number | void>;

const USAGE_HINT = 'run devsecrets --help for usage';

/**
 * Parses `argv` (as `process.argv`) and runs the command it names.
 * @returns the exit code; failures are reported on `output`, never thrown
 */
export async function runProgram(argv: string[], output: Output): Promise<number> {
  try {
    let exitCode: number = ExitCode.ok;
    const program = await buildProgram(output, (code) => {
      exitCode = code;
    });
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (!isCommanderError(error)) return reportFailure(error, argv, output);
    // Help asked for and --version succeed (commander's own exit code 0); help shown because
    // no command was given, and every parse error, are usage errors. Commander has printed it.
    if (error.exitCode === 0) return ExitCode.ok;
    if (argv.includes('--json') && argv[2] !== 'run') {
      output.json(errorReport(new DevsecretsError('USAGE', error.message.replace(/^error: /, ''), { hint: USAGE_HINT })));
    }
    return ExitCode.usage;
  }
}

async function buildProgram(output: Output, setExit: (code: number) => void): Promise<Command> {
  const { Argument, Command, Option } = await import('commander');
  const program = new Command('devsecrets')
    .description('Safe local configuration: an age-encrypted store of fake values that satisfy your production manifest')
    .version(typeof DEVSECRETS_VERSION === 'string' ? DEVSECRETS_VERSION : '0.0.0-dev', '-V, --version')
    .option('--manifest <path>', 'use this manifest instead of the nearest devsecrets.json')
    .enablePositionalOptions()
    .showHelpAfterError(`devsecrets: hint: ${USAGE_HINT}`)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => process.stdout.write(text),
      writeErr: (text) => process.stderr.write(text),
      outputError: (text, write) => write(`devsecrets: error: ${text.replace(/^error: /, '')}`),
    });

  /**
   * Declares a command whose code lives in `./commands/<file>.ts` and is imported on use;
   * `load` gets the command's options, for a command whose flags choose its code.
   */
  const lazy = (load: (options: Record<string, unknown>) => Promise<{ default: Action }>) =>
    async (...args: unknown[]): Promise<void> => {
      const command = args[args.length - 1] as Command;
      const context = processContext(output, program.opts<{ manifest?: string }>().manifest, command.opts<{ json?: boolean }>().json === true);
      const action = (await load(command.opts())).default;
      const code = await action(context, ...(args.slice(0, -1) as never[]));
      setExit(code ?? ExitCode.ok);
    };

  program.command('init')
    .description('create the manifest (if missing), the identity and a store seeded with fakes')
    .option('--from <file|ref>', 'infer the manifest from a .env.example file, or from the production values of a provider (aws-sm://…, vault://…, doppler://…; no value is kept)')
    .option('--seed <hex>', 'derive fakes from this seed (reproducible)')
    .option('--force', 'replace an existing store (values you set are lost)')
    .option('--yes', 'do not ask for confirmation')
    .option('--json', 'print what was inferred and done as one JSON document')
    .action(lazy(() => import('./commands/init.js')));

  const run = program.command('run')
    .description('run a command with the store\'s values in its environment')
    .argument('<command...>', 'the command and its arguments (after --)')
    .passThroughOptions()
    // The watch loop is its own module, and chokidar with it: a plain run never loads them.
    .action(lazy((options) => {
      if (options.watch === true) return import('./commands/run-watch.js');
      if (options.watchPath !== undefined || options.grace !== undefined) {
        throw new DevsecretsError('USAGE', '--watch-path and --grace work only with --watch', { hint: USAGE_HINT });
      }
      return import('./commands/run.js');
    }));
  for (const [flag, [, description]] of Object.entries(RUN_FLAGS)) run.option(flag, description);
  run.option('--watch', 'restart the command when the store, the manifest, the identity file or a --watch-path file changes')
    .option('--watch-path <glob>', 'with --watch: also restart when a file this glob names changes (relative to the working folder; * ? **; repeatable)', (glob: string, globs: string[] = []) => [...globs, glob])
    .option('--grace <duration>', 'with --watch: how long a stopped command may take to end before SIGKILL (default 5s)');

  program.command('get')
    .description('print one value to stdout')
    .argument('<name>')
    .option('--reveal', 'print a secret even to a terminal')
    .action(lazy(() => import('./commands/get.js')));

  program.command('set')
    .description('validate and store a value (read from stdin when not given)')
    .argument('<name>')
    .argument('[value]')
    .action(lazy(() => import('./commands/set.js')));

  program.command('unset')
    .description('remove a value from the store')
    .argument('<name>')
    .action(lazy(() => import('./commands/unset.js')));

  program.command('ls')
    .description('list variables with type, origin and masked value')
    .option('--json', 'print one JSON document')
    .action(lazy(() => import('./commands/ls.js')));

  program.command('check')
    .description('validate the environment (a dotenv file, a provider) against the manifest, no store needed')
    .addOption(new Option('--env <side>', 'the rules on top of the manifest: local (forbid list, live-credential guard; the default) or production (no fakes, no developer hosts, TLS where required; the default with --from)').choices(['local', 'production']))
    .option('--env-file <file>', 'check this dotenv file instead of the process environment')
    .option('--from <ref>', 'check the values a provider holds: aws-sm://SECRET_ID, vault://MOUNT/PATH, doppler://PROJECT/CONFIG, mock://SEED')
    .option('--json', 'print one JSON document')
    .action(lazy(() => import('./commands/check.js')));

  program.command('doctor')
    .description('find drift, untrusted values, .gitignore gaps, tracked secret files, leaked secrets and loose permissions')
    .option('--json', 'print one JSON document')
    .option('--fix', 'first fix what is safe: missing ignore rules, loose permissions, missing variables (never a value you set, never git rm)')
    .option('--yes', 'with --fix: also remove store variables the manifest no longer declares')
    .option('--staged', 'check only what the next commit would add: staged secret files and staged content (the pre-commit hook)')
    .action(lazy(() => import('./commands/doctor.js')));

  program.command('manifest')
    .description('change the manifest from outside sources')
    .command('pull')
    .description('add the variables a provider holds and the manifest lacks (types inferred, no value kept)')
    .requiredOption('--from <ref>', 'the provider: aws-sm://SECRET_ID, vault://MOUNT/PATH, doppler://PROJECT/CONFIG')
    .option('--json', 'print what was added as one JSON document')
    .action(lazy(() => import('./commands/manifest-pull.js')));

  program.command('sync')
    .description('bring the store in line with a changed manifest')
    .option('--adopt', 'accept a store devsecrets cannot vouch for (written with age -r, or an older copy), after showing what it holds')
    .option('--yes', 'with --adopt: do not ask (required without a terminal)')
    .action(lazy(() => import('./commands/sync.js')));

  program.command('rotate')
    .description('regenerate fakes (all generated ones, or the named ones) with a new seed and expiry')
    .argument('[names...]', 'variables to rotate; values you set are rotated only when named')
    .option('--seed <hex>', 'derive the new fakes from this seed (reproducible)')
    .option('--identity', 'replace the age identity instead (values unchanged)')
    .action(lazy(() => import('./commands/rotate.js')));

  program.command('import')
    .description('move values from a dotenv file into the store')
    .argument('<file>')
    .option('--delete', 'delete the file once the store is written and read back')
    .action(lazy(() => import('./commands/import.js')));

  program.command('schema')
    .description('write the manifest as a file to commit: an .env.example, a JSON Schema of the environment, or a TypeScript declaration (no secret values)')
    .addOption(new Option('--format <format>', 'env-example, json-schema or dts').choices(SCHEMA_FORMATS).makeOptionMandatory())
    .option('--out <file>', 'write the file (replacing only one devsecrets generated) instead of printing it')
    .action(lazy(() => import('./commands/schema.js')));

  program.command('audit')
    .description('show the access log; --verify proves no line was edited, deleted, inserted or moved')
    .option('--verify', 'check the hash chain and signatures (exit 1 when broken)')
    .option('--json', 'print one JSON document')
    .action(lazy(() => import('./commands/audit.js')));

  program.command('hook')
    .description('install or uninstall the git pre-commit hook that runs doctor --staged (a hook already there is kept and still runs)')
    .addArgument(new Argument('<action>', 'install or uninstall').choices(['install', 'uninstall']))
    .action(lazy(() => import('./commands/hook.js')));

  program.command('destroy')
    .description('delete the store and its identity')
    .option('--yes', 'do not ask for confirmation (required without a terminal)')
    .action(lazy(() => import('./commands/destroy.js')));

  return program;
}

function isCommanderError(error: unknown): error is { code: string; exitCode: number; message: string } {
  return typeof (error as { code?: unknown })?.code === 'string' && (error as { code: string }).code.startsWith('commander.');
}
