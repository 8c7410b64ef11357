/** The direct transport: DynamoDB's JSON protocol over undici, signed here, configured by a DynamoDBClient. */
export { directTransport, type DirectTransport, type DirectTransportOptions } from './direct-transport.js';
export { Crc32MismatchError, RequestTimeoutError } from './errors.js';
