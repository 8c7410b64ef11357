import { Buffer } from 'node:buffer';
import type { Dispatcher } from 'undici';
import { RequestTimeoutError } from './errors.js';

/*
 * One HTTP exchange over undici's dispatcher API, the cheapest way found here to send a request over keep-alive
 * sockets. Measured on this machine (Node 20.20, client pinned to one core, fake endpoint at 10 ms on the other,
 * 64 in flight, 4,000 pre-built 6.8 kB BatchWriteItem bodies, unsigned, CPU-s per 100k items, three rounds under a
 * load average of 2-30 from other tenants): node:http with a keep-alive Agent 0.59-0.92, undici `Pool.request`
 * 0.49-0.83, undici `Pool.dispatch` 0.35-0.59 (a bare net.Socket writing HTTP/1.1 by hand: 0.17-0.30).
 * `dispatch` with the handler callbacks skips the body stream and header object that `request` builds.
 */

/** What the transport reads of an answer. */
export interface RawResponse {
  readonly status: number;
  readonly body: Buffer;
  readonly crc32: string | undefined;
  readonly date: string | undefined;
  readonly age: string | undefined;
  readonly requestId: string | undefined;
  readonly errorType: string | undefined;
}

/**
 * Sends a request and settles with what `read` makes of the complete answer (a throw rejects), in one promise; a
 * network error rejects named and coded as node:http names it.
 */
export function exchange<T>(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, read: (response: RawResponse) => T): Promise<T> {
  return new Promise((resolve, reject) => {
    dispatcher.dispatch(options, new Collector<T>(read, resolve, reject, options.headersTimeout ?? undefined));
  });
}

/** undici's handler callbacks (the raw-header form: no header object is built), collecting one answer. */
class Collector<T> implements Dispatcher.DispatchHandler {
  private status = 0;
  private chunks: Buffer[] = [];
  private crc32: string | undefined;
  private date: string | undefined;
  private age: string | undefined;
  private requestId: string | undefined;
  private errorType: string | undefined;

  constructor(
    private readonly read: (response: RawResponse) => T,
    private readonly resolve: (value: T) => void,
    private readonly reject: (error: Error) => void,
    private readonly timeoutMs: number | undefined,
  ) {}

  onConnect(): void {}

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    this.status = statusCode;
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]!;
      // Only a few of the answer's headers matter: look at a name only when its length is one of theirs.
      switch (name.length) {
        case 3:
          if (isNamed(name, 'age')) this.age = rawHeaders[i + 1]!.toString('latin1');
          break;
        case 4:
          if (isNamed(name, 'date')) this.date = rawHeaders[i + 1]!.toString('latin1');
          break;
        case 11:
          if (isNamed(name, 'x-amz-crc32')) this.crc32 = rawHeaders[i + 1]!.toString('latin1');
          break;
        case 16:
          if (isNamed(name, 'x-amzn-requestid') || isNamed(name, 'x-amz-request-id')) this.requestId = rawHeaders[i + 1]!.toString('latin1');
          else if (isNamed(name, 'x-amzn-errortype')) this.errorType = rawHeaders[i + 1]!.toString('latin1');
          break;
      }
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    const { chunks } = this;
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    let value: T;
    try {
      value = this.read({ status: this.status, body, crc32: this.crc32, date: this.date, age: this.age, requestId: this.requestId, errorType: this.errorType });
    } catch (error) {
      this.reject(error as Error);
      return;
    }
    this.resolve(value);
  }

  onError(error: Error): void {
    this.reject(networkError(error, this.timeoutMs));
  }
}

function isNamed(name: Buffer, lowerCase: string): boolean {
  return name.toString('latin1').toLowerCase() === lowerCase;
}

/**
 * undici's errors as node:http (and so the SDK's handler) reports them: a connection closed under a request is
 * ECONNRESET, a timeout is a TimeoutError (ETIMEDOUT). Errors of the operating system (ECONNREFUSED, ENOTFOUND) pass as they are.
 */
function networkError(error: Error, timeoutMs: number | undefined): Error {
  switch ((error as { code?: string }).code) {
    case 'UND_ERR_SOCKET':
      return Object.assign(new Error(`${error.message} (the connection closed before the response was complete)`, { cause: error }), { code: 'ECONNRESET' });
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return new RequestTimeoutError(timeoutMs, error);
    case 'UND_ERR_CONNECT_TIMEOUT':
      return Object.assign(new Error(error.message, { cause: error }), { code: 'ETIMEDOUT' });
    default:
      return error;
  }
}
