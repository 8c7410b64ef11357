/*
 * Credentials from the SDK's provider (`client.config.credentials`: the default chain of environment, profile, SSO,
 * container and instance roles, or what the user configured), held here so that a request does not await a promise
 * for them. Temporary credentials are refreshed ahead of their expiry, in the background: requests keep signing with
 * the current ones, which are still valid, until the new ones arrive.
 */

/** Credentials as the SDK's providers return them. */
export interface Identity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
  /** Set by some providers; DynamoDB's account-based endpoints use it. */
  readonly accountId?: string;
}

export type IdentityProvider = () => Promise<Identity>;

/** Refresh this long before expiry (the SDK's own window), or at half the lifetime of shorter-lived credentials. */
const REFRESH_AHEAD_MS = 5 * 60_000;
/** Stop signing with credentials this long before they expire (or a quarter of their lifetime): wait for new ones. */
const LAST_USE_MS = 30_000;
/** When a refresh brings back the same credentials, or fails, ask again no sooner than this. */
const RETRY_REFRESH_MS = 1_000;

export class CredentialCache {
  private identity: Identity | undefined;
  /** From then on, a request starts a background refresh. */
  private refreshAt = 0;
  /** From then on, requests wait for new credentials. */
  private lastUseAt = 0;
  private pending: Promise<Identity> | undefined;

  constructor(private readonly provider: IdentityProvider) {}

  /** Credentials good to sign with at `now`, without waiting; undefined when the caller must await {@link refresh}. */
  current(now: number): Identity | undefined {
    if (now < this.refreshAt) return this.identity;
    if (now >= this.lastUseAt) return undefined;
    // Still valid for a while: sign with them, and fetch new ones meanwhile.
    this.refresh().catch(() => {
      // A failed background refresh is retried by a later request; the one that must wait reports the error.
    });
    return this.identity;
  }

  /** Fetches credentials from the provider; concurrent callers share one call. */
  refresh(): Promise<Identity> {
    this.pending ??= this.fetch().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async fetch(): Promise<Identity> {
    let identity: Identity;
    try {
      identity = await this.provider();
    } catch (error) {
      this.refreshAt = Math.min(this.lastUseAt, Date.now() + RETRY_REFRESH_MS);
      throw error;
    }
    if (typeof identity?.accessKeyId !== 'string' || typeof identity.secretAccessKey !== 'string') {
      throw new TypeError('The credentials provider returned no accessKeyId and secretAccessKey');
    }
    const now = Date.now();
    const expiresAt = identity.expiration?.getTime();
    const same = this.identity !== undefined && identity.accessKeyId === this.identity.accessKeyId && expiresAt === this.identity.expiration?.getTime();
    this.identity = identity;
    if (expiresAt === undefined || Number.isNaN(expiresAt)) {
      this.refreshAt = this.lastUseAt = Number.POSITIVE_INFINITY;
    } else if (same) {
      // The SDK's memoized provider hands back the same credentials until it is within its own 5 minutes of expiry:
      // ask again halfway to their last use, no sooner than a second from now.
      this.refreshAt = Math.min(this.lastUseAt, now + Math.max(RETRY_REFRESH_MS, (this.lastUseAt - now) / 2));
    } else {
      const lifetime = Math.max(0, expiresAt - now);
      this.lastUseAt = expiresAt - Math.min(LAST_USE_MS, lifetime / 4);
      this.refreshAt = Math.min(this.lastUseAt, expiresAt - Math.min(REFRESH_AHEAD_MS, lifetime / 2));
    }
    return identity;
  }
}
