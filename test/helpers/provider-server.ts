/**
 * Protocol-level stand-ins for the providers, on 127.0.0.1: no emulator package (localstack,
 * moto, a Vault dev server) is reachable where the tests run, and a stand-in lets each test
 * script exactly what the provider answers — throttling, a hang, a token echoed back.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server saw it. */
export interface SeenRequest {
  method: string;
  /** Path and query. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** When it arrived, from performance.now(). */
  at: number;
}

/** What the server does with one request. */
export type Reply =
  | { status: number; headers?: Record<string, string>; body?: unknown }
  /** Never answer (the connection stays open until the server closes). */
  | 'hang'
  /** Cut the connection without an answer. */
  | 'reset';

export interface TestServer {
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/**
 * Starts a server that answers the n-th request (0-based) with `reply(request, n)`. A
 * string body is sent as is; anything else as JSON.
 */
export async function startServer(reply: (request: SeenRequest, index: number) => Reply): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request: SeenRequest = { method: incoming.method ?? '', url: incoming.url ?? '', headers: incoming.headers, body: Buffer.concat(chunks).toString('utf8'), at: performance.now() };
      requests.push(request);
      const answer = reply(request, requests.length - 1);
      if (answer === 'hang') return;
      if (answer === 'reset') {
        incoming.socket.destroy();
        return;
      }
      const body = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An origin on 127.0.0.1 where nothing listens: a port just freed. */
export async function closedOrigin(): Promise<string> {
  const server = await startServer(() => 'hang');
  await server.close();
  return server.origin;
}

/** AWS's JSON 1.1 protocol: a `GetSecretValue` answer. */
export function awsSecret(fields: Record<string, unknown>): Reply {
  return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: { ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/app-AbCdEf', Name: 'prod/app', VersionId: 'v1', VersionStages: ['AWSCURRENT'], CreatedDate: 1.7e9, ...fields } };
}

/** AWS's JSON 1.1 protocol: an error, as Secrets Manager sends them. */
export function awsError(type: string, message: string, status = 400): Reply {
  return { status, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type }, body: { __type: type, message } };
}

/**
 * Why a request is not a signed Secrets Manager `GetSecretValue` call from `accessKeyId`
 * (JSON 1.1, `X-Amz-Target`, a SigV4 `Authorization` scoped to the region and service), or
 * undefined when it is one.
 */
export function awsRequestProblem(request: SeenRequest, accessKeyId: string, region: string): string | undefined {
  if (request.method !== 'POST' || request.url !== '/') return `unexpected ${request.method} ${request.url}`;
  if (request.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') return 'no X-Amz-Target: secretsmanager.GetSecretValue';
  if (request.headers['content-type'] !== 'application/x-amz-json-1.1') return 'not JSON 1.1';
  const authorization = request.headers.authorization ?? '';
  const signed = new RegExp(`^AWS4-HMAC-SHA256 Credential=${accessKeyId}/\\d{8}/${region}/secretsmanager/aws4_request, SignedHeaders=[a-z0-9;-]*x-amz-target[a-z0-9;-]*, Signature=[0-9a-f]{64}$`);
  if (!signed.test(authorization)) return 'not signed with SigV4 by the expected key';
  if (!/^\d{8}T\d{6}Z$/.test(String(request.headers['x-amz-date']))) return 'no X-Amz-Date';
  return undefined;
}
