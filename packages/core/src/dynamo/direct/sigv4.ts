import { createHash, createHmac, hash as oneShotHash } from 'node:crypto';

/*
 * AWS Signature Version 4 for requests with a body and no query string (DynamoDB's JSON protocol), byte for byte what
 * @smithy/signature-v4 produces for the same headers (test/sigv4.test.ts checks it over a table of requests).
 * Written for a hot path: the signing key is derived once per secret, day, region and service, the date strings
 * once per second, and each request costs two SHA-256 digests and one HMAC.
 */

/** The keys that sign a request; a `sessionToken` comes with temporary credentials. */
export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

/** What gets signed. Every header in `headers` is signed, so leave out those the server need not check (content-length, user-agent). */
export interface SignableRequest {
  readonly method: string;
  /** The path as sent (e.g. `/`); see {@link canonicalPath}. */
  readonly path: string;
  /** Lower-case header names, `host` included. The signer adds `x-amz-date` and `x-amz-security-token` to it. */
  readonly headers: Record<string, string>;
  /** The body as sent: bytes, or a string sent as UTF-8. */
  readonly body: Uint8Array | string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const SIGNING_KEYS_KEPT = 16;

// crypto.hash (Node 20.12+, 21.7+) digests in one call, without a Hash object per digest.
const sha256Hex: (data: Uint8Array | string) => string =
  typeof oneShotHash === 'function'
    ? (data) => oneShotHash('sha256', data, 'hex')
    : (data) => createHash('sha256').update(data).digest('hex');

/** SigV4 for one region and service (`dynamodb`), with its signing keys and date strings cached. */
export class SigV4Signer {
  private readonly keys = new Map<string, Buffer>();
  private lastKeyId = '';
  private lastKey: Buffer | undefined;
  private second = Number.NaN;
  private longDate = '';
  private shortDate = '';
  private scope = '';
  private readonly paths = new Map<string, string>();

  constructor(
    readonly region: string,
    readonly service: string,
  ) {}

  /**
   * Signs `request` as of `timeMs` (epoch ms, skew-corrected by the caller): sets `x-amz-date` (and
   * `x-amz-security-token` for temporary credentials) in `request.headers`, and returns the `authorization` value.
   */
  sign(request: SignableRequest, credentials: SigningCredentials, timeMs: number): string {
    const { headers } = request;
    this.setDate(timeMs);
    headers['x-amz-date'] = this.longDate;
    if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;

    const names = Object.keys(headers).sort();
    let canonicalHeaders = '';
    for (const name of names) canonicalHeaders += `${name}:${canonicalHeaderValue(headers[name]!)}\n`;
    const signedHeaders = names.join(';');
    const canonicalRequest =
      `${request.method}\n${this.canonicalPathOf(request.path)}\n\n${canonicalHeaders}\n${signedHeaders}\n${sha256Hex(request.body)}`;
    const stringToSign = `${ALGORITHM}\n${this.longDate}\n${this.scope}\n${sha256Hex(canonicalRequest)}`;
    const signature = createHmac('sha256', this.signingKey(credentials.secretAccessKey)).update(stringToSign).digest('hex');
    return `${ALGORITHM} Credential=${credentials.accessKeyId}/${this.scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  }

  private setDate(timeMs: number): void {
    const second = Math.floor(timeMs / 1000);
    if (second === this.second) return;
    this.second = second;
    const iso = new Date(second * 1000).toISOString(); // 2026-12-06T02:37:33.000Z
    const shortDate = iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10);
    this.longDate = `${shortDate}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
    if (shortDate !== this.shortDate) {
      this.shortDate = shortDate;
      this.scope = `${shortDate}/${this.region}/${this.service}/aws4_request`;
    }
  }

  /** kSigning = HMAC chain over the day, region, service: the same for every request of a day and secret. */
  private signingKey(secret: string): Buffer {
    const id = `${this.shortDate}\n${secret}`;
    if (id === this.lastKeyId) return this.lastKey!;
    let key = this.keys.get(id);
    if (!key) {
      key = hmac(`AWS4${secret}`, this.shortDate);
      for (const part of [this.region, this.service, 'aws4_request']) key = hmac(key, part);
      // Keys of past days and rotated secrets: keep a few, drop the oldest.
      if (this.keys.size >= SIGNING_KEYS_KEPT) this.keys.delete(this.keys.keys().next().value!);
      this.keys.set(id, key);
    }
    this.lastKeyId = id;
    this.lastKey = key;
    return key;
  }

  private canonicalPathOf(path: string): string {
    let canonical = this.paths.get(path);
    if (canonical === undefined) this.paths.set(path, (canonical = canonicalPath(path)));
    return canonical;
  }
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** A header value as SigV4 signs it: line breaks as spaces, runs of spaces and tabs as one, one leading and trailing space off. */
function canonicalHeaderValue(value: string): string {
  if (!/[\r\n\t]| {2}|^ | $/.test(value)) return value;
  return value.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').replace(/^ | $/g, '');
}

/**
 * The canonical URI for services other than S3: `.` and `..` segments resolved, empty segments dropped, then
 * URI-encoded twice over (once as sent, once more for signing), as @smithy/signature-v4 does with `uriEscapePath`.
 */
export function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
  return escapeUri(normalized).replace(/%2F/g, '/');
}

/** RFC 3986 encoding: encodeURIComponent plus the five characters it leaves alone. */
function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
