/**
 * The OS keychain (macOS Keychain, Windows Credential Manager, the Secret Service on Linux)
 * through keytar: service `devsecrets`, account = store id, password = the age identity.
 *
 * keytar is a native optional dependency, so it is imported lazily and its absence simply
 * means "no keychain". Secrets only ever pass through keytar's API, never a command line.
 *
 * On Linux the Secret Service is probed over D-Bus in plain JavaScript before keytar is
 * touched: a libsecret call stuck on an unresponsive bus blocks a libuv thread that Node
 * joins at exit, so a timed-out native probe would still hang the process forever.
 */
import { connect } from 'node:net';
import { DevsecretsError } from '../core/errors.js';
import { withTimeout } from './with-timeout.js';

/** An identity store keyed by store id. */
export interface Keychain {
  /**
   * Reads the identity of a store.
   *
   * @returns undefined when the keychain has no entry for the store
   * @throws DevsecretsError `KEYCHAIN_UNAVAILABLE` when the keychain fails
   */
  get(storeId: string): Promise<string | undefined>;
  /**
   * Saves (or replaces) the identity of a store.
   *
   * @throws DevsecretsError `KEYCHAIN_UNAVAILABLE` when the keychain fails
   */
  set(storeId: string, identity: string): Promise<void>;
  /**
   * Removes the identity of a store.
   *
   * @returns false when there was no entry
   * @throws DevsecretsError `KEYCHAIN_UNAVAILABLE` when the keychain fails
   */
  delete(storeId: string): Promise<boolean>;
}

/** Options of {@link openKeychain}. */
export interface OpenKeychainOptions {
  /** How long the availability probe may take before the keychain counts as unavailable; default 1.5 s. */
  timeoutMs?: number;
}

const SERVICE = 'devsecrets';
// Looking up an account that never exists answers "is anyone there" without reading a secret.
const PROBE_ACCOUNT = 'devsecrets-availability-probe';

/**
 * The part of keytar's API used here, declared here rather than taken from keytar's own
 * types: keytar is optional and often not installed (no libsecret headers, no prebuilt
 * binary), and the build must not depend on it.
 */
interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}
// A variable, so the type checker resolves nothing at build time.
const KEYTAR_MODULE: string = 'keytar';

/**
 * Opens the OS keychain after checking, within `timeoutMs`, that it answers.
 *
 * On Linux: no `DBUS_SESSION_BUS_ADDRESS` means no Secret Service, and the answer is
 * immediate; otherwise the Secret Service must answer a D-Bus call in time. Elsewhere (or
 * for a bus address the probe cannot dial) one keytar lookup is raced against the timeout.
 *
 * @returns undefined when keytar is not installed or fails to load, or no keychain answers in time
 */
export async function openKeychain(options: OpenKeychainOptions = {}): Promise<Keychain | undefined> {
  const timeoutMs = options.timeoutMs ?? 1500;
  let probed = false;
  if (process.platform === 'linux') {
    // libsecret reads the real environment, so this must too.
    const address = process.env.DBUS_SESSION_BUS_ADDRESS;
    if (!address) return undefined;
    const socketPath = busSocketPath(address);
    if (socketPath !== undefined) {
      if (!(await secretServiceAnswers(socketPath, timeoutMs))) return undefined;
      probed = true;
    }
  }
  const keytar = await loadKeytar();
  if (keytar === undefined) return undefined;
  if (!probed) {
    const lookup = keytar.getPassword(SERVICE, PROBE_ACCOUNT).then(
      () => true,
      () => false,
    );
    if (!(await withTimeout(lookup, timeoutMs, false))) return undefined;
  }
  return {
    async get(storeId) {
      const identity = await guard(keytar.getPassword(SERVICE, storeId), 'read the identity from');
      return identity ?? undefined;
    },
    async set(storeId, identity) {
      await guard(keytar.setPassword(SERVICE, storeId, identity), 'save the identity to');
    },
    async delete(storeId) {
      return guard(keytar.deletePassword(SERVICE, storeId), 'delete the identity from');
    },
  };
}

async function loadKeytar(): Promise<Keytar | undefined> {
  try {
    const module = (await import(KEYTAR_MODULE)) as Keytar & { default?: Keytar };
    // keytar is CommonJS: its functions arrive on the default export.
    return module.default ?? module;
  } catch {
    return undefined;
  }
}

async function guard<T>(operation: Promise<T>, action: string): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    // The platform's wording stays in the cause; the message keeps devsecrets' own form.
    throw new DevsecretsError('KEYCHAIN_UNAVAILABLE', `could not ${action} the OS keychain`, {
      hint: 'unlock the keychain, or set DEVSECRETS_KEYCHAIN=off to use an identity file instead',
      cause: error,
    });
  }
}

/**
 * The socket of the first `unix:path=` or `unix:abstract=` address in a D-Bus address list;
 * undefined when there is none (e.g. `tcp:`), and the probe falls back to keytar.
 */
function busSocketPath(addresses: string): string | undefined {
  for (const address of addresses.split(';')) {
    if (!address.startsWith('unix:')) continue;
    const keys = new Map(
      address
        .slice('unix:'.length)
        .split(',')
        .map((pair) => {
          const equals = pair.indexOf('=');
          return [pair.slice(0, equals), pair.slice(equals + 1)] as const;
        }),
    );
    const unescape = (value: string): string => decodeURIComponent(value);
    const path = keys.get('path');
    if (path !== undefined) return unescape(path);
    const abstract = keys.get('abstract');
    if (abstract !== undefined) return `\0${unescape(abstract)}`;
  }
  return undefined;
}

const HELLO_SERIAL = 1;
const PROBE_SERIAL = 2;
const MAX_MESSAGE_BYTES = 1 << 20;

/**
 * Asks the Secret Service for its collections over a private bus connection and waits for
 * the reply. Any failure — no bus, no service, an error reply, no answer in time — is `false`,
 * and the socket is destroyed, so nothing outlives the probe.
 */
function secretServiceAnswers(socketPath: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ path: socketPath });
    let received = Buffer.alloc(0);
    let authenticated = false;
    const finish = (answered: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answered);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
    socket.on('connect', () => {
      const uid = String(process.getuid?.() ?? 0);
      socket.write(`\0AUTH EXTERNAL ${Buffer.from(uid).toString('hex')}\r\n`);
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (!authenticated) {
        const lineEnd = received.indexOf('\r\n');
        if (lineEnd < 0) return;
        if (!received.subarray(0, lineEnd).toString('latin1').startsWith('OK ')) return finish(false);
        received = received.subarray(lineEnd + 2);
        authenticated = true;
        socket.write(
          Buffer.concat([
            Buffer.from('BEGIN\r\n'),
            methodCall(HELLO_SERIAL, 'org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus', 'Hello', []),
            methodCall(PROBE_SERIAL, 'org.freedesktop.secrets', '/org/freedesktop/secrets', 'org.freedesktop.DBus.Properties', 'Get', [
              'org.freedesktop.Secret.Service',
              'Collections',
            ]),
          ]),
        );
      }
      for (;;) {
        const message = takeMessage(received);
        if (message === 'incomplete') return;
        if (message === 'invalid') return finish(false);
        received = received.subarray(message.length);
        // 2 is a method return; 3, an error such as ServiceUnknown.
        if (message.replySerial === PROBE_SERIAL) return finish(message.type === 2);
      }
    });
  });
}

/** Marshals a D-Bus method call (little-endian) whose arguments are all strings. */
function methodCall(serial: number, destination: string, path: string, iface: string, member: string, args: string[]): Buffer {
  const bytes: number[] = [];
  const align = (boundary: number): void => {
    while (bytes.length % boundary !== 0) bytes.push(0);
  };
  const u32 = (value: number): void => {
    align(4);
    bytes.push(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff);
  };
  const text = (value: string): void => {
    const encoded = Buffer.from(value);
    u32(encoded.length);
    bytes.push(...encoded, 0);
  };
  const signature = (value: string): void => {
    bytes.push(value.length, ...Buffer.from(value), 0);
  };
  const field = (code: number, type: 'o' | 's' | 'g', value: string): void => {
    align(8);
    bytes.push(code);
    signature(type);
    if (type === 'g') signature(value);
    else text(value);
  };

  bytes.push('l'.charCodeAt(0), 1, 0, 1);
  u32(0); // body length, patched below
  u32(serial);
  u32(0); // header fields length, patched below
  const fieldsStart = bytes.length;
  field(1, 'o', path);
  field(2, 's', iface);
  field(3, 's', member);
  field(6, 's', destination);
  if (args.length > 0) field(8, 'g', 's'.repeat(args.length));
  const fieldsLength = bytes.length - fieldsStart;
  align(8);
  const bodyStart = bytes.length;
  for (const arg of args) text(arg);
  const message = Buffer.from(bytes);
  message.writeUInt32LE(bytes.length - bodyStart, 4);
  message.writeUInt32LE(fieldsLength, 12);
  return message;
}

interface ReceivedMessage {
  length: number;
  type: number;
  replySerial: number | undefined;
}

/** Reads the first message of `data`: its length, type and reply serial. */
function takeMessage(data: Buffer): ReceivedMessage | 'incomplete' | 'invalid' {
  try {
    return parseMessage(data);
  } catch {
    // Reads past the end of a message that lies about its field lengths.
    return 'invalid';
  }
}

function parseMessage(data: Buffer): ReceivedMessage | 'incomplete' | 'invalid' {
  if (data.length < 16) return 'incomplete';
  const littleEndian = data[0] === 'l'.charCodeAt(0);
  if (!littleEndian && data[0] !== 'B'.charCodeAt(0)) return 'invalid';
  const u32 = (offset: number): number => (littleEndian ? data.readUInt32LE(offset) : data.readUInt32BE(offset));
  const fieldsLength = u32(12);
  const headerLength = 16 + fieldsLength + ((8 - (fieldsLength % 8)) % 8);
  const length = headerLength + u32(4);
  if (length > MAX_MESSAGE_BYTES) return 'invalid';
  if (data.length < length) return 'incomplete';

  let replySerial: number | undefined;
  let offset = 16;
  const align = (boundary: number): void => {
    offset += (boundary - (offset % boundary)) % boundary;
  };
  while (offset < 16 + fieldsLength) {
    align(8);
    const code = data[offset];
    const type = data.toString('latin1', offset + 2, offset + 2 + (data[offset + 1] ?? 0));
    offset += 3 + type.length;
    if (type === 'u') {
      align(4);
      if (code === 5) replySerial = u32(offset);
      offset += 4;
    } else if (type === 's' || type === 'o') {
      align(4);
      offset += 4 + u32(offset) + 1;
    } else if (type === 'g') {
      offset += 1 + (data[offset] ?? 0) + 1;
    } else {
      return 'invalid';
    }
  }
  return { length, type: data[1] ?? 0, replySerial };
}
