import type { AuthorizationSource } from './auth-context.ts';
import { type AuthorizationOwner, ownerName, ownersDeciding } from './authorization-owners.ts';
import type { Authorization, Identity } from './evaluate.ts';

/** What the cache reads through: the identity repository (shared/store/identity-repository.ts). */
export interface IdentityReader<User> {
  getUser(userId: string): Promise<User | undefined>;
  identityOf(userId: string): Promise<Identity>;
  authorizationsOwnedBy(resourceType: number, owner: AuthorizationOwner): Promise<Authorization[]>;
  /** The identity stamp: raised by every identity write, wherever it is made. */
  readStamp(): Promise<number>;
  /** Tells of every identity write made through this reader (in this container). */
  onChange(listener: () => void): unknown;
}

export interface IdentityCacheOptions {
  /** How long what was read is trusted before the stamp is read again; 0 turns the cache off. */
  lifetimeMs: number;
  now: () => number;
  /**
   * Longest an entry lives even if the stamp never moves: the bound on staleness should a write
   * land but fail to raise the stamp. Five minutes unless given.
   */
  maxAgeMs?: number;
}

const DEFAULT_MAX_AGE_MS = 5 * 60_000;

/** Beyond this many entries everything is dropped: callers naming unknown users cannot grow it without end. */
const MAX_ENTRIES = 10_000;

/**
 * Users, their groups and tenants, and authorizations per resource type and owner, kept per
 * container so that a warm request with authentication on reads nothing from the store
 * (docs/decisions.md #23). Once an entry's lifetime has passed, one read of the identity stamp
 * decides: unchanged, everything is trusted for another lifetime; changed, everything is dropped.
 * A write through this container's repository drops everything at once.
 *
 * After a change everything is dropped once more at the following check: authorizations are read
 * from an index (gsi2) that is eventually consistent, so what was read just after a change may
 * not show it yet; a lifetime later it does.
 */
export class IdentityCache<User> implements AuthorizationSource {
  private entries = new Map<string, Promise<unknown>>();
  /** The stamp the entries agree with; undefined until the first check. */
  private stamp: number | undefined;
  /** False from a change until the entries have been read again one lifetime after it. */
  private settled = false;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private clearedAt = Number.NEGATIVE_INFINITY;
  private checking: Promise<void> | undefined;
  private readonly maxAgeMs: number;

  constructor(
    private readonly reader: IdentityReader<User>,
    private readonly options: IdentityCacheOptions,
  ) {
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    reader.onChange(() => this.dropAfterLocalWrite());
  }

  /** The stored user, or undefined for an unknown one. */
  user(userId: string): Promise<User | undefined> {
    return this.cached(`user|${userId}`, () => this.reader.getUser(userId));
  }

  /** The user's groups and tenants. */
  identityOf(userId: string): Promise<Identity> {
    return this.cached(`identity|${userId}`, () => this.reader.identityOf(userId));
  }

  /** The authorizations that can decide a check of the identity on the resource type: its user's, '*''s, its groups' and the global ones. */
  async authorizationsFor(identity: Identity, resourceType: number): Promise<Authorization[]> {
    const owners = ownersDeciding(identity);
    const lists = await Promise.all(owners.map((owner) => this.cached(`authorizations|${resourceType}|${ownerName(owner)}`, () => this.reader.authorizationsOwnedBy(resourceType, owner))));
    return lists.flat();
  }

  private async cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (this.options.lifetimeMs <= 0) return load();
    await this.fresh();
    if (this.entries.size >= MAX_ENTRIES) this.drop(this.options.now());
    // A load that a drop overtakes stays in the dropped map: no request made after the drop gets it.
    const entries = this.entries;
    let entry = entries.get(key) as Promise<T> | undefined;
    if (!entry) {
      const loading = load();
      entries.set(key, loading);
      // A failed read is not remembered.
      loading.catch(() => {
        if (entries.get(key) === loading) entries.delete(key);
      });
      entry = loading;
    }
    return entry;
  }

  /** Reads the stamp once the lifetime has passed; concurrent requests share that one read. */
  private async fresh(): Promise<void> {
    if (this.options.now() - this.checkedAt < this.options.lifetimeMs) return;
    this.checking ??= this.check().finally(() => {
      this.checking = undefined;
    });
    await this.checking;
  }

  private async check(): Promise<void> {
    const stamp = await this.reader.readStamp();
    const now = this.options.now();
    if (stamp !== this.stamp) {
      this.drop(now);
      this.stamp = stamp;
      this.settled = false;
    } else if (!this.settled || now - this.clearedAt >= this.maxAgeMs) {
      this.drop(now);
      this.settled = true;
    }
    this.checkedAt = now;
  }

  private drop(now: number): void {
    this.entries = new Map();
    this.clearedAt = now;
  }

  /** A write made here: nothing read before it is trusted, and the stamp is read before the next use. */
  private dropAfterLocalWrite(): void {
    this.drop(this.options.now());
    this.checkedAt = Number.NEGATIVE_INFINITY;
  }
}
