/**
 * The floor with signing: pre-built bodies POSTed with plain node:http over keep-alive sockets, each signed with the
 * SDK's own signer (@smithy/signature-v4), no SDK client. What PERFORMANCE.md calls "raw node:http + SigV4".
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac } from 'node:crypto';
import { post, sendBodies } from './raw-http.js';
import type { RequestBody } from './workload.js';

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
export function runRawSigV4(url: string, bodies: readonly RequestBody[], inFlight: number): Promise<number> {
  const { hostname, host } = new URL(url);
  const signer = new SignatureV4({ credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' }, region: 'us-east-1', service: 'dynamodb', sha256: Sha256, applyChecksum: false });
  return sendBodies(bodies, inFlight, async (agent, body) => {
    const signed = await signer.sign({
      method: 'POST', protocol: 'http:', hostname, path: '/', query: {}, body,
      headers: { host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.BatchWriteItem' },
    });
    return post(url, agent, body, signed.headers);
  });
}
