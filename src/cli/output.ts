/**
 * The output contract, for every command:
 *
 * - stdout carries data only: a value from `get`, the JSON document of `--json`, the
 *   listing of `ls`. Nothing else is ever written there, so `$(devsecrets get X)` and
 *   `devsecrets check --json | jq` always work.
 * - every diagnostic goes to stderr, one line each, prefixed `devsecrets:`; errors as
 *   `devsecrets: error: … [CODE]` with their stable code, followed by
 *   `devsecrets: hint: …` when there is one.
 * - `--json` prints exactly one JSON document on stdout, errors included.
 * - colour only when stderr is a TTY and `NO_COLOR` is unset or empty (no-color.org).
 * - no value of a variable ever goes into a diagnostic: messages carry names, types,
 *   paths and masked forms only. That is enforced where messages are made (core) and
 *   proven by the leak test.
 */
import { formatIssues, type DevsecretsError, type ErrorCode } from '../core/errors.js';
import type { Finding, Report } from '../core/findings.js';

export interface Output {
  /** Data for stdout (a trailing newline is added when missing). */
  data(text: string): void;
  /** A JSON document for stdout. */
  json(document: unknown): void;
  info(message: string): void;
  warn(message: string): void;
  /** A list of related lines under the previous message, indented. */
  detail(lines: readonly string[]): void;
  error(error: DevsecretsError): void;
  /** Findings for a person, grouped by level. */
  findings(report: Report): void;
  /**
   * Resolves once everything written so far has reached the OS and the streams are blocking
   * again, as a program expects its stdio: for when another program takes this process over.
   */
  handOver(): Promise<void>;
}

/** A stdio stream, with what Node's pipe and TTY streams have beyond a WritableStream. */
type StdioStream = NodeJS.WritableStream & { writableLength?: number; _handle?: { setBlocking?: (blocking: boolean) => number } };

interface Streams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

const PREFIX = 'devsecrets:';
// Every other error names its stable code, so people and scripts can grep for it.
const UNCODED: ReadonlySet<ErrorCode> = new Set(['USAGE', 'FAILURE']);

// Getters: Node builds process.stdout/stderr on first access, which `run` should not pay
// for when it has nothing to say.
const processStreams: Streams = {
  get stdout() {
    return process.stdout;
  },
  get stderr() {
    return process.stderr;
  },
  env: process.env,
};

/** Creates the output for one invocation. */
export function createOutput(streams: Streams = processStreams): Output {
  let colour: boolean | undefined;
  const paint = (code: string, text: string): string => {
    colour ??= streams.stderr.isTTY === true && !streams.env.NO_COLOR;
    return colour ? `\u001b[${code}m${text}\u001b[0m` : text;
  };
  // The streams written to: handOver() leaves the others unmade, which saves `run` 2-4 ms.
  const used = new Set<StdioStream>();
  const write = (stream: NodeJS.WritableStream, text: string): void => {
    used.add(stream);
    stream.write(text);
  };
  const line = (text: string): void => {
    write(streams.stderr, `${text}\n`);
  };
  const output: Output = {
    data(text) {
      write(streams.stdout, text.endsWith('\n') ? text : `${text}\n`);
    },
    json(document) {
      write(streams.stdout, `${JSON.stringify(document, null, 2)}\n`);
    },
    info(message) {
      line(`${PREFIX} ${message}`);
    },
    warn(message) {
      line(`${PREFIX} ${paint('33', 'warning:')} ${message}`);
    },
    detail(lines) {
      for (const text of lines) line(`${PREFIX}   ${text}`);
    },
    error(error) {
      const code = UNCODED.has(error.code) ? '' : ` [${error.code}]`;
      line(`${PREFIX} ${paint('31', 'error:')} ${error.message}${code}`);
      output.detail(formatIssues(error.issues));
      if (error.hint !== undefined) line(`${PREFIX} ${paint('36', 'hint:')} ${error.hint}`);
    },
    findings(report) {
      const levels = [
        ['error', '31', 'errors'],
        ['warn', '33', 'warnings'],
        ['info', '36', 'notes'],
      ] as const;
      for (const [level, code, title] of levels) {
        const group = report.findings.filter((finding) => finding.level === level);
        if (group.length === 0) continue;
        line(`${PREFIX} ${paint(code, `${group.length} ${group.length === 1 ? title.slice(0, -1) : title}`)}`);
        for (const finding of group) line(`${PREFIX}   ${describeFinding(finding)}`);
      }
      if (report.findings.length === 0) line(`${PREFIX} no problems found`);
    },
    async handOver() {
      // Writes still queued (pipes are asynchronous on macOS) call back in order, so an empty
      // write's callback comes after all of them.
      const pending = [...used].filter((stream) => (stream.writableLength ?? 0) > 0);
      await Promise.all(pending.map((stream) => new Promise<void>((resolve) => stream.write('', () => resolve()))));
      // libuv made a pipe non-blocking, on the file description the next program shares, and
      // only an exit would undo it: left so, that program's writes could fail with EAGAIN.
      for (const stream of used) stream._handle?.setBlocking?.(true);
    },
  };
  return output;
}

function describeFinding(finding: Finding): string {
  return finding.fix === undefined ? `${finding.code} ${finding.message}` : `${finding.code} ${finding.message} (fix: ${finding.fix})`;
}
