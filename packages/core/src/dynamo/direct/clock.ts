/*
 * Clock skew correction as the SDK does it (@aws-sdk/core's getSkewCorrectedDate, isClockSkewed,
 * getUpdatedSystemClockOffset): requests are signed at `Date.now() + offset`, and the offset moves to the server's
 * clock (its `Date` header) when the two are 4 minutes or more apart. DynamoDB refuses signatures more than 15 minutes
 * off, so a machine with a wrong clock would otherwise fail every request.
 */

/** Further apart than this, our clock counts as skewed (the SDK's threshold). */
export const SKEW_THRESHOLD_MS = 240_000;
/** A response that took longer than this tells nothing reliable about the server's clock (the SDK's limit). */
const MAX_ROUND_TRIP_MS = 900_000;

/** Where the offset lives: the client's config, so the SDK path of the same client shares the correction. */
export interface ClockOffsetHolder {
  systemClockOffset?: number;
}

export class SkewedClock {
  private lastDateHeader = '';

  constructor(private readonly holder: ClockOffsetHolder) {}

  /** The offset requests are signed with now (ms to add to our clock). */
  get offset(): number {
    return this.holder.systemClockOffset ?? 0;
  }

  /** The time to sign with, epoch ms. */
  now(): number {
    return Date.now() + this.offset;
  }

  /**
   * Looks at a response's `Date` header: moves the offset to the server's clock when ours is skewed. Returns whether
   * the offset changed. Cheap when nothing changes: the header only changes once a second.
   */
  observe(dateHeader: string | undefined, sentAt: number, ageHeader: string | undefined): boolean {
    if (dateHeader === undefined || dateHeader === this.lastDateHeader || ageHeader !== undefined) return false;
    this.lastDateHeader = dateHeader;
    const serverTime = Date.parse(dateHeader);
    const received = Date.now();
    if (Number.isNaN(serverTime) || received - sentAt > MAX_ROUND_TRIP_MS) return false;
    if (Math.abs(received + this.offset - serverTime) < SKEW_THRESHOLD_MS) return false;
    this.holder.systemClockOffset = serverTime - received;
    return true;
  }
}
