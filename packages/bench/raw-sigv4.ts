/**
 * The floor with signing: pre-built bodies POSTed with plain node:http over keep-alive sockets, each signed with the
 * SDK's own signer (@smithy/signature-v4), no SDK client. What PERFORMANCE.md calls "raw node:http + SigV4".
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { TABLE, type RequestBody } from './workload.js';

/** node:crypto as the SHA-256 constructor @smithy/signature-v4 takes (an HMAC when given a key). */
class Sha256 {
  private readonly hash;
  constructor(key?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = key === undefined ? createHash('sha256') : createHmac('sha256', bytes(key));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}
const bytes = (data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array =>
  typeof data === 'string' ? data : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);

/** Signs and sends every body with `inFlight` requests at once; resolves to the items written. */
export async function runRawSigV4(url: string, bodies: readonly RequestBody[], inFlight: number): Promise<number> {
  const { hostname, port, host } = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
  const signer = new SignatureV4({ credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' }, region: 'us-east-1', service: 'dynamodb', sha256: Sha256, applyChecksum: false });
  const post = async (body: string): Promise<string> => {
    const signed = await signer.sign({
      method: 'POST', protocol: 'http:', hostname, path: '/', query: {}, body,
      headers: { host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.BatchWriteItem' },
    });
    return new Promise((resolve, reject) => {
      const headers = { ...signed.headers, 'content-length': String(Buffer.byteLength(body)) };
      const req = request({ agent, hostname, port, method: 'POST', path: '/', headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`HTTP ${res.statusCode}: ${text}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
  };
  let next = 0;
  let written = 0;
  const worker = async () => {
    while (next < bodies.length) {
      let pending: RequestBody | undefined = bodies[next++]!;
      while (pending) {
        const out = JSON.parse(await post(pending.body)) as { UnprocessedItems?: Record<string, unknown[]> };
        const unprocessed = out.UnprocessedItems?.[TABLE] ?? [];
        written += pending.items - unprocessed.length;
        pending = unprocessed.length > 0
          ? { body: JSON.stringify({ RequestItems: { [TABLE]: unprocessed } }), items: unprocessed.length }
          : undefined;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: inFlight }, worker));
  } finally {
    agent.destroy();
  }
  return written;
}
