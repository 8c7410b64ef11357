// The direct transport's credential cache (refreshed ahead of expiry, in the background) and clock (skew correction).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SkewedClock } from '../src/dynamo/direct/clock.js';
import { CredentialCache, type Identity } from '../src/dynamo/direct/credentials.js';

const T0 = Date.UTC(2026, 11, 6, 12, 0, 0);

/** A provider handing out keys that live `lifetimeMs` (forever when undefined), counting its calls. */
function provider(lifetimeMs: number | undefined, fail = () => false) {
  let calls = 0;
  const get = vi.fn(async (): Promise<Identity> => {
    calls++;
    if (fail()) throw new Error('the instance metadata service did not answer');
    return {
      accessKeyId: `KEY${calls}`,
      secretAccessKey: 'secret',
      ...(lifetimeMs === undefined ? {} : { sessionToken: 't', expiration: new Date(Date.now() + lifetimeMs) }),
    };
  });
  return get;
}

describe('CredentialCache', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('asks a provider of long-term keys once', async () => {
    const get = provider(undefined);
    const cache = new CredentialCache(get);
    expect(cache.current(Date.now())).toBeUndefined();
    await cache.refresh();
    for (let i = 0; i < 1000; i++) {
      vi.advanceTimersByTime(3_600_000);
      expect(cache.current(Date.now())?.accessKeyId).toBe('KEY1');
    }
    expect(get).toHaveBeenCalledTimes(1);
  });

  it('refreshes hour-long keys in the background 5 minutes before expiry, signing with the old ones meanwhile', async () => {
    const get = provider(3_600_000);
    const cache = new CredentialCache(get);
    await cache.refresh();
    vi.setSystemTime(T0 + 3_600_000 - 300_001);
    expect(cache.current(Date.now())?.accessKeyId).toBe('KEY1');
    expect(get).toHaveBeenCalledTimes(1);
    vi.setSystemTime(T0 + 3_600_000 - 300_000);
    // Due: the old keys still sign this request, and one refresh starts for all the requests that follow.
    expect(cache.current(Date.now())?.accessKeyId).toBe('KEY1');
    expect(cache.current(Date.now())?.accessKeyId).toBe('KEY1');
    expect(get).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(0);
    expect(cache.current(Date.now())?.accessKeyId).toBe('KEY2');
    expect(get).toHaveBeenCalledTimes(2);
  });

  it('never signs with keys in their last 30 seconds: the caller waits for new ones', async () => {
    const get = provider(3_600_000);
    const cache = new CredentialCache(get);
    await cache.refresh();
    // The background refresh never ran (no request in the last 5 minutes).
    vi.setSystemTime(T0 + 3_600_000 - 30_000);
    expect(cache.current(Date.now())).toBeUndefined();
    expect((await cache.refresh()).accessKeyId).toBe('KEY2');
  });

  it('refreshes short-lived keys at half their life, and stops signing with them in their last quarter', async () => {
    const idle = new CredentialCache(provider(1_500));
    await idle.refresh();
    const get = provider(1_500);
    const cache = new CredentialCache(get);
    await cache.refresh();
    vi.setSystemTime(T0 + 749);
    expect(cache.current(Date.now())?.accessKeyId).toBe('KEY1');
    expect(get).toHaveBeenCalledTimes(1);
    vi.setSystemTime(T0 + 1_124);
    expect(idle.current(Date.now())?.accessKeyId).toBe('KEY1');
    vi.setSystemTime(T0 + 1_125);
    expect(idle.current(Date.now())).toBeUndefined();
    vi.setSystemTime(T0 + 750);
    expect(cache.current(Date.now())?.accessKeyId).toBe('KEY1');
    await vi.advanceTimersByTimeAsync(0);
    expect(cache.current(Date.now())?.accessKeyId).toBe('KEY2');
    expect(get).toHaveBeenCalledTimes(2);
  });

  it('while the provider hands back the same keys, asks again halfway to their last use, at most once a second', async () => {
    const expiresAt = T0 + 3_600_000;
    const get = vi.fn(async (): Promise<Identity> => ({ accessKeyId: 'SAME', secretAccessKey: 's', expiration: new Date(expiresAt) }));
    const cache = new CredentialCache(get);
    await cache.refresh();
    const askedAt: number[] = [];
    vi.setSystemTime(expiresAt - 200_000);
    // A request every 100 ms until the keys' last 30 seconds.
    while (Date.now() < expiresAt - 30_000) {
      const before = get.mock.calls.length;
      expect(cache.current(Date.now())?.accessKeyId).toBe('SAME');
      if (get.mock.calls.length > before) askedAt.push(expiresAt - Date.now());
      await vi.advanceTimersByTimeAsync(100);
    }
    // Remaining ms when asked: 200 s, then halfway to the last use (at 30 s) each time, then once a second.
    // (The requests come every 100 ms: the fourth ask, due at 51,250, comes at 51,200.)
    expect(askedAt.slice(0, 4)).toEqual([200_000, 115_000, 72_500, 51_200]);
    const gaps = askedAt.slice(1).map((remaining, i) => askedAt[i]! - remaining);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1_000);
    expect(askedAt.length).toBeLessThan(15);
    expect(cache.current(Date.now())).toBeUndefined();
  });

  it('keeps signing with valid keys when a background refresh fails, and reports the failure once they run out', async () => {
    let failing = false;
    const get = provider(3_600_000, () => failing);
    const cache = new CredentialCache(get);
    await cache.refresh();
    failing = true;
    vi.setSystemTime(T0 + 3_600_000 - 200_000);
    expect(cache.current(Date.now())?.accessKeyId).toBe('KEY1');
    await vi.advanceTimersByTimeAsync(0);
    expect(cache.current(Date.now())?.accessKeyId).toBe('KEY1');
    vi.setSystemTime(T0 + 3_600_000 - 10_000);
    expect(cache.current(Date.now())).toBeUndefined();
    await expect(cache.refresh()).rejects.toThrow(/instance metadata service/);
    failing = false;
    expect((await cache.refresh()).accessKeyId).toMatch(/^KEY/);
  });

  it('shares one provider call among concurrent callers, and refuses a provider that returns no keys', async () => {
    const get = provider(undefined);
    const cache = new CredentialCache(get);
    const [a, b] = await Promise.all([cache.refresh(), cache.refresh()]);
    expect(a).toBe(b);
    expect(get).toHaveBeenCalledTimes(1);
    await expect(new CredentialCache(async () => ({}) as Identity).refresh()).rejects.toThrow(/no accessKeyId and secretAccessKey/);
  });
});

describe('SkewedClock', () => {
  const httpDate = (ms: number) => new Date(ms).toUTCString();

  it('moves to the server clock when it is 4 minutes or more off, as the SDK does', () => {
    const config: { systemClockOffset?: number } = {};
    const clock = new SkewedClock(config);
    const now = Date.now();
    expect(clock.observe(httpDate(now + 239_000), now, undefined)).toBe(false);
    expect(clock.offset).toBe(0);
    expect(clock.observe(httpDate(now + 3_600_000), now, undefined)).toBe(true);
    expect(Math.abs(config.systemClockOffset! - 3_600_000)).toBeLessThan(2_000);
    expect(Math.abs(clock.now() - (Date.now() + 3_600_000))).toBeLessThan(2_000);
    // Back in step with a server whose clock is right.
    expect(clock.observe(httpDate(Date.now()), now, undefined)).toBe(true);
    expect(Math.abs(clock.offset)).toBeLessThan(2_000);
  });

  it('starts from the offset already in the client config, and ignores dates it cannot trust', () => {
    const config = { systemClockOffset: -600_000 };
    const clock = new SkewedClock(config);
    expect(clock.offset).toBe(-600_000);
    const now = Date.now();
    expect(clock.observe('not a date', now, undefined)).toBe(false);
    // A cached answer (Age) tells the time it was made, not now.
    expect(clock.observe(httpDate(now), now, '120')).toBe(false);
    // An answer that took over 15 minutes tells nothing precise.
    expect(clock.observe(httpDate(now + 1_000), now - 1_000_000, undefined)).toBe(false);
    expect(config.systemClockOffset).toBe(-600_000);
  });
});
