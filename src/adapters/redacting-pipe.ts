/**
 * `run --redact`, the part that touches streams: a child's stdout and stderr come through
 * devsecrets, which writes them on with every form of every secret replaced by
 * `[REDACTED:NAME]` (see `RedactingStream`). stdin is not involved: the child inherits it.
 *
 * - Each chunk is written as soon as it arrives, less the few bytes that may begin a secret;
 *   those follow with the next chunk, when the stream ends, or after `IDLE_FLUSH_MS` without
 *   output — a secret split across writes arrives within that time, while a prompt or a
 *   progress line that merely ends like the start of one is not kept from the screen.
 * - stdout and stderr are relayed independently, each chunk in the order it arrives, so the
 *   two interleave as closely to the child's order as two pipes allow.
 * - When a destination goes away (`| head`), the caller is told (`runChild` sends the child
 *   SIGPIPE, as writing there itself would have) and the source is closed.
 *
 * The child's output then goes to a pipe, not to the terminal: `keepColour` tells it, by the
 * usual variables, to colour all the same (see its contract for why not a pseudo-terminal).
 */
import type { Readable, Writable } from 'node:stream';
import { Redaction, RedactingStream } from '../core/redactor.js';
import type { ChildOutput } from './child-process.js';

/** How long a stream may be silent before the bytes held back are written anyway. */
const IDLE_FLUSH_MS = 50;

/**
 * A `runChild` output handler that redacts `secrets` (`NAME → value`; values under 6
 * characters are ignored) from each child it is given, to devsecrets' own stdout and stderr,
 * each through its own `RedactingStream`. The forms are compiled once, when the first child
 * has been started, so that the 10–30 ms this takes overlap its start-up; a watch loop passes
 * the same handler to every child.
 */
export function redactingOutput(secrets: Readonly<Record<string, string>>): ChildOutput {
  let redaction: Redaction | undefined;
  return (stdout, stderr, brokenPipe) => {
    redaction ??= new Redaction(secrets);
    return Promise.all([relay(stdout, process.stdout, redaction, brokenPipe), relay(stderr, process.stderr, redaction, brokenPipe)]).then(() => undefined);
  };
}

/**
 * Relays `source` to `destination` through a `RedactingStream`. `brokenPipe` is called when
 * `destination` fails (a closed pipe), after which `source` is closed.
 * @returns resolves when `source` has ended (or failed, or its destination went away) and
 *   everything was handed on; never rejects
 */
function relay(source: Readable, destination: Writable, redaction: Redaction, brokenPipe: () => void): Promise<void> {
  const redacting = new RedactingStream(redaction);
  let open = true;
  const write = (bytes: Buffer): void => {
    if (!open || bytes.length === 0) return;
    if (!destination.write(bytes)) {
      source.pause();
      destination.once('drain', () => source.resume());
    }
  };
  let idle: NodeJS.Timeout | undefined;
  const flush = (): void => {
    idle = undefined;
    write(redacting.flush());
  };
  return new Promise((resolve) => {
    const gone = (): void => {
      if (!open) return;
      open = false;
      brokenPipe();
      source.destroy();
    };
    const finish = (): void => {
      clearTimeout(idle);
      flush();
      destination.off('error', gone);
      resolve();
    };
    destination.on('error', gone);
    source.on('data', (chunk: Buffer) => {
      write(redacting.write(chunk));
      if (redacting.held === 0) {
        clearTimeout(idle);
        idle = undefined;
      } else if (idle === undefined) {
        // Unreferenced: a held tail never keeps devsecrets alive; the end of the stream flushes it.
        idle = setTimeout(flush, IDLE_FLUSH_MS).unref();
      } else {
        idle.refresh();
      }
    });
    source.once('close', finish);
  });
}

/**
 * The child's environment with colour kept: when devsecrets' stdout is a colour terminal
 * and the user has set neither `NO_COLOR` nor `FORCE_COLOR`, `FORCE_COLOR` (the terminal's
 * depth: 1 for 16 colours, 2 for 256, 3 for 24-bit) and `CLICOLOR_FORCE=1` are added. Node,
 * chalk, supports-color, picocolors, Python's rich and pytest read the first; BSD `ls`,
 * CMake and Rust's `anstream` the second. Programs that only ask `isatty` (GNU `ls`, `grep`,
 * git) see a pipe and have their own switch (`--color=always`, `git -c color.ui=always`).
 *
 * Not a pseudo-terminal: the child would get the terminal's replacement as its stdin too,
 * so piped input would pass through a line discipline (echoed, `^C` and `^D` interpreted);
 * it would lead a session of its own, out of reach of the terminal's Ctrl-C, so devsecrets
 * would have to put the real terminal in raw mode and relay keys — a terminal left raw after
 * `kill -9`, Ctrl-Z suspending the child inside it — and stdout and stderr would merge.
 * `node-pty` builds with node-gyp on Linux; util-linux `script` takes the command as a
 * shell string.
 */
export function keepColour(env: Readonly<Record<string, string>>): Record<string, string> {
  const stdout = process.stdout as Partial<NodeJS.WriteStream>;
  if (stdout.isTTY !== true || (env.NO_COLOR ?? '') !== '' || env.FORCE_COLOR !== undefined) return { ...env };
  const depth = stdout.getColorDepth?.(env) ?? 1;
  if (depth < 4) return { ...env };
  return { ...env, FORCE_COLOR: depth >= 24 ? '3' : depth >= 8 ? '2' : '1', CLICOLOR_FORCE: env.CLICOLOR_FORCE ?? '1' };
}
