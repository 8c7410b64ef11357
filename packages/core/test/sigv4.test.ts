// Our SigV4 signer against the SDK's own (@smithy/signature-v4): the same headers out, byte for byte, for a table of requests.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { canonicalPath, SigV4Signer, type SigningCredentials } from '../src/dynamo/direct/sigv4.js';

// The SHA-256 the SDK's clients sign with (@smithy/hash-node on Node).
const sdkSha256 = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }).config.sha256;

const KEYS: SigningCredentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const TEMPORARY: SigningCredentials = {
  accessKeyId: 'ASIAEXAMPLE',
  secretAccessKey: 'temporary/secret+key=',
  // Session tokens are long base64; this one has each of its special characters.
  sessionToken: `IQoJb3JpZ2luX2VjE/+=${'AbC0123456789/+='.repeat(60)}`,
};
const BATCH = JSON.stringify({ RequestItems: { events: [{ PutRequest: { Item: { pk: { S: 'a' }, n: { N: '1' } } } }] } });

interface Case {
  readonly title: string;
  readonly region?: string;
  readonly service?: string;
  readonly credentials?: SigningCredentials;
  readonly date?: string;
  readonly host?: string;
  readonly path?: string;
  readonly target?: string;
  readonly body: string | Uint8Array;
  readonly extraHeaders?: Record<string, string>;
}

const CASES: Case[] = [
  { title: 'a BatchWriteItem', body: BATCH },
  { title: 'with a session token', credentials: TEMPORARY, body: BATCH },
  { title: 'a unicode body as a string', body: JSON.stringify({ TableName: 't', Item: { s: { S: 'héllo wörld 😀 日本語 \u0000 \u2028 "q"' } } }) },
  { title: 'a unicode body as bytes', body: Buffer.from(JSON.stringify({ TableName: 't', Item: { s: { S: 'Ωμέγα 🚀' } } })) },
  { title: 'an empty string body', body: '' },
  { title: 'an empty byte body', body: new Uint8Array(0) },
  { title: 'eu-west-1', region: 'eu-west-1', body: BATCH },
  { title: 'ap-southeast-2 with a session token', region: 'ap-southeast-2', credentials: TEMPORARY, body: BATCH },
  { title: 'a GovCloud region', region: 'us-gov-west-1', host: 'dynamodb.us-gov-west-1.amazonaws.com', body: BATCH },
  { title: 'a China region', region: 'cn-north-1', host: 'dynamodb.cn-north-1.amazonaws.com.cn', body: BATCH },
  { title: 'the last millisecond of a year', date: '2025-12-31T23:59:59.999Z', body: BATCH },
  { title: 'the first second of the next year', date: '2026-01-01T00:00:00.000Z', body: BATCH },
  { title: 'a leap day', date: '2024-02-29T12:34:56.789Z', credentials: TEMPORARY, body: BATCH },
  { title: 'an earlier day again (a cached key must not leak across days)', date: '2024-02-28T23:59:59.000Z', body: BATCH },
  { title: 'a host with a port', host: '127.0.0.1:8000', body: BATCH },
  { title: 'an IPv6 host', host: '[::1]:8000', body: BATCH },
  { title: 'a custom endpoint path', host: 'proxy.example.com', path: '/dynamodb/v1/', body: BATCH },
  { title: 'a path with dot segments, spaces and unicode', host: 'proxy.example.com', path: '/a/./b/../c d/ü', body: BATCH },
  { title: 'another service', service: 'execute-api', body: BATCH },
  { title: 'an extra header with runs of spaces and tabs', extraHeaders: { 'x-extra': '  a   b\t\tc  ' }, body: BATCH },
  { title: 'another operation', target: 'DynamoDB_20120810.DescribeTable', body: '{"TableName":"t"}' },
  { title: 'another secret on the same day', credentials: { accessKeyId: 'AKIDOTHER', secretAccessKey: 'other-secret' }, body: BATCH },
];

describe('SigV4Signer', () => {
  // One signer per region and service across the whole table, as the transport keeps them: its caches (date strings,
  // signing keys per day and secret) see the cases in this order, back and forth between days and secrets.
  const signers = new Map<string, SigV4Signer>();
  const signerFor = (region: string, service: string) => {
    const key = `${region}/${service}`;
    if (!signers.has(key)) signers.set(key, new SigV4Signer(region, service));
    return signers.get(key)!;
  };

  it.each(CASES)('signs $title as @smithy/signature-v4 does', async (c) => {
    const region = c.region ?? 'us-east-1';
    const service = c.service ?? 'dynamodb';
    const credentials = c.credentials ?? KEYS;
    const date = new Date(c.date ?? '2026-12-06T02:37:33.123Z');
    const host = c.host ?? `dynamodb.${region}.amazonaws.com`;
    const path = c.path ?? '/';
    const headers = {
      host,
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': c.target ?? 'DynamoDB_20120810.BatchWriteItem',
      ...c.extraHeaders,
    };

    const ours = { ...headers } as Record<string, string>;
    const authorization = signerFor(region, service).sign({ method: 'POST', path, headers: ours, body: c.body }, credentials, date.getTime());
    ours.authorization = authorization;

    // applyChecksum: false: DynamoDB does not need x-amz-content-sha256, and we do not send it.
    const smithy = new SignatureV4({ credentials, region, service, sha256: sdkSha256, applyChecksum: false });
    const signed = await smithy.sign(new HttpRequest({ method: 'POST', protocol: 'https:', hostname: host, path, headers: { ...headers }, body: c.body }), {
      signingDate: date,
    });
    expect(ours).toEqual(signed.headers);
    // The same request signed again (every cache warm) is signed the same.
    const again = { ...headers } as Record<string, string>;
    expect(signerFor(region, service).sign({ method: 'POST', path, headers: again, body: c.body }, credentials, date.getTime())).toBe(authorization);
  });

  it('signs exactly the headers it is given, plus x-amz-date and the session token', () => {
    const headers: Record<string, string> = { host: 'h', 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.PutItem' };
    const authorization = new SigV4Signer('us-east-1', 'dynamodb').sign({ method: 'POST', path: '/', headers, body: '{}' }, TEMPORARY, Date.UTC(2026, 11, 6, 2, 37, 33));
    expect(authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE\/20261206\/us-east-1\/dynamodb\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature=[0-9a-f]{64}$/,
    );
    expect(headers['x-amz-date']).toBe('20261206T023733Z');
    expect(headers['x-amz-security-token']).toBe(TEMPORARY.sessionToken);
  });

  it.each([
    ['/', '/'],
    ['', ''],
    ['/a/b/', '/a/b/'],
    ['//a//b', '/a/b'],
    ['/a/./b/../c', '/a/c'],
    ['/c d/ü', '/c%20d/%C3%BC'],
    // A path as sent is already encoded once; signing encodes it again.
    ['/c%20d', '/c%2520d'],
    ["/it's(*)!", '/it%27s%28%2A%29%21'],
  ])('canonicalPath(%j) is %j', (path, expected) => {
    expect(canonicalPath(path)).toBe(expected);
  });
});
