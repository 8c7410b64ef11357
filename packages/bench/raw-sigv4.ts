/**
 * The floor with signing: pre-built bodies POSTed with plain node:http over keep-alive sockets, each signed with the
 * SDK's own signer (@smithy/signature-v4), no SDK client. What PERFORMANCE.md calls "raw node:http + SigV4".
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@dynamo-sink/test-servers';
import { post, sendBodies } from './raw-http.js';
import type { RequestBody } from './workload.js';

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
