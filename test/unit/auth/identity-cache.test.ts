import { describe, expect, it } from 'vitest';
import { type AuthorizationOwner, ownerOf } from '../../../shared/auth/authorization-owners.ts';
import type { Authorization, Identity } from '../../../shared/auth/evaluate.ts';
import { IdentityCache, type IdentityReader } from '../../../shared/auth/identity-cache.ts';
import { AUTHORIZATION_TYPES, RESOURCE_TYPES } from '../../../shared/auth/resources.ts';

/**
 * The per-container identity cache against an in-memory store whose reads are counted, on a clock
 * the test moves: what it reads, when it trusts what it read, and when it drops it.
 */

interface User {
  id: string;
  passwordHash: string;
}

const BATCH = RESOURCE_TYPES.Batch;
const LIFETIME = 5_000;

class CountingStore implements IdentityReader<User> {
  users = new Map<string, User>([['mary', { id: 'mary', passwordHash: 'h1' }]]);
  groups = new Map<string, string[]>([['mary', ['sales']]]);
  authorizations: Authorization[] = [];
  stamp = 0;
  reads: string[] = [];
  /** Loads wait for this when set (to overtake them). */
  gate: Promise<void> | undefined;
  failNextLoad = false;
  private readonly listeners: (() => void)[] = [];

  /** Answers what the store holds when the read arrives, even if the answer is delivered later. */
  private async read<T>(what: string, value: () => T): Promise<T> {
    this.reads.push(what);
    const answer = value();
    await this.gate;
    if (this.failNextLoad) {
      this.failNextLoad = false;
      throw new Error('throttled');
    }
    return answer;
  }

  getUser = (id: string) => this.read(`user ${id}`, () => this.users.get(id));
  identityOf = (userId: string) => this.read(`identity ${userId}`, (): Identity => ({ userId, groupIds: this.groups.get(userId) ?? [], tenantIds: [] }));
  authorizationsOwnedBy = (type: number, owner: AuthorizationOwner) =>
    this.read(`authorizations ${type} ${JSON.stringify(owner)}`, () => this.authorizations.filter((a) => a.resourceType === type && JSON.stringify(ownerOf(a)) === JSON.stringify(owner)));
  readStamp = () => this.read('stamp', () => this.stamp);
  onChange(listener: () => void) {
    this.listeners.push(listener);
  }

  /** An identity write: made here, this container's listeners hear of it; the stamp rises either way. */
  write(change: () => void, madeHere: boolean): void {
    change();
    this.stamp += 1;
    if (madeHere) for (const listener of this.listeners) listener();
  }

  take(): string[] {
    const reads = this.reads;
    this.reads = [];
    return reads;
  }
}

function setUp(lifetimeMs = LIFETIME, maxAgeMs?: number) {
  const store = new CountingStore();
  const clock = { now: 1_000_000 };
  const cache = new IdentityCache(store, { lifetimeMs, now: () => clock.now, maxAgeMs });
  return { store, clock, cache };
}

const grant = (id: string, userId: string | null, groupId: string | null = null): Authorization => ({
  id,
  type: AUTHORIZATION_TYPES.GRANT,
  permissions: ['READ'],
  userId,
  groupId,
  resourceType: BATCH,
  resourceId: '*',
});

/** What one authenticated request reads through the cache. */
async function request(cache: IdentityCache<User>): Promise<Authorization[]> {
  await cache.user('mary');
  const identity = await cache.identityOf('mary');
  return cache.authorizationsFor(identity, BATCH);
}

/** Past two lifetimes: the read after a change and the one that confirms it (the index has settled). */
async function settle(setup: ReturnType<typeof setUp>): Promise<void> {
  await request(setup.cache);
  setup.clock.now += LIFETIME;
  await request(setup.cache);
  setup.store.take();
}

describe('the identity cache', () => {
  it('reads the stamp, the user, their groups and their owners’ authorizations once, then serves them from memory', async () => {
    // given a cold cache
    const { store, cache } = setUp();

    // when the same request is answered twice
    await request(cache);
    const first = store.take();
    await request(cache);

    // then the first read the stamp and, per owner (mary, *, sales, global), the authorizations of the type; the second read nothing
    expect(first).toEqual([
      'stamp',
      'user mary',
      'identity mary',
      `authorizations ${BATCH} {"kind":"user","userId":"mary"}`,
      `authorizations ${BATCH} {"kind":"user","userId":"*"}`,
      `authorizations ${BATCH} {"kind":"group","groupId":"sales"}`,
      `authorizations ${BATCH} {"kind":"global"}`,
    ]);
    expect(store.take()).toEqual([]);
  });

  it('renews what it holds with one stamp read once the lifetime has passed and nothing changed', async () => {
    // given a settled cache
    const setup = setUp();
    await settle(setup);

    // when the lifetime passes without a change, then the next request reads the stamp only, and the one after nothing
    setup.clock.now += LIFETIME;
    await request(setup.cache);
    expect(setup.store.take()).toEqual(['stamp']);
    await request(setup.cache);
    expect(setup.store.take()).toEqual([]);
  });

  it('keeps answering from memory within the lifetime after a change made in another container, and reads again after it', async () => {
    // given a settled cache, and a grant to mary made in another container
    const setup = setUp();
    await settle(setup);
    setup.store.write(() => setup.store.authorizations.push(grant('g1', 'mary')), false);

    // when a request comes within the lifetime, then it does not see the grant
    setup.clock.now += LIFETIME - 1;
    expect(await request(setup.cache)).toEqual([]);

    // when the lifetime has passed, then the changed stamp drops everything and the grant counts
    setup.clock.now += 1;
    expect(await request(setup.cache)).toEqual([grant('g1', 'mary')]);
    expect(setup.store.take()).toContain('user mary');
  });

  it('drops everything at once after a write made in this container', async () => {
    // given a settled cache
    const setup = setUp();
    await settle(setup);

    // when mary's group membership is removed here, then the very next request reads the stamp and her groups again
    setup.store.write(() => setup.store.groups.set('mary', []), true);
    expect(await setup.cache.identityOf('mary')).toEqual({ userId: 'mary', groupIds: [], tenantIds: [] });
    expect(setup.store.take()).toEqual(['stamp', 'identity mary']);
  });

  it('reads everything once more a lifetime after a change, in case the index had not shown it yet', async () => {
    // given a cache that has just seen a change (the stamp moved)
    const setup = setUp();
    await settle(setup);
    setup.store.write(() => {}, false);
    setup.clock.now += LIFETIME;
    await request(setup.cache);
    setup.store.take();

    // when a grant shows only now (an eventually consistent index), without the stamp moving again
    setup.store.authorizations.push(grant('late', null, 'sales'));
    setup.clock.now += LIFETIME;

    // then the next check reads everything again and the grant counts; after that, the stamp alone
    expect(await request(setup.cache)).toEqual([grant('late', null, 'sales')]);
    expect(setup.store.take()).toContain('identity mary');
    setup.clock.now += LIFETIME;
    await request(setup.cache);
    expect(setup.store.take()).toEqual(['stamp']);
  });

  it('reads everything again after its longest age even if the stamp never moves', async () => {
    // given a settled cache whose entries may live 3 lifetimes at most
    const setup = setUp(LIFETIME, 3 * LIFETIME);
    await settle(setup);

    // when the lifetimes pass without a change, then the third check reads everything again
    setup.clock.now += LIFETIME;
    await request(setup.cache);
    setup.clock.now += LIFETIME;
    await request(setup.cache);
    expect(setup.store.take()).toEqual(['stamp', 'stamp']);
    setup.clock.now += LIFETIME;
    await request(setup.cache);
    expect(setup.store.take()).toContain('user mary');
  });

  it('lets concurrent requests share one stamp read and one read of each entry', async () => {
    // given a cold cache
    const { store, cache } = setUp();

    // when three requests come at once
    await Promise.all([request(cache), request(cache), request(cache)]);

    // then each thing was read once
    const reads = store.take();
    expect(reads).toHaveLength(7);
    expect(new Set(reads).size).toBe(7);
  });

  it('does not keep a read that a local write overtook', async () => {
    // given a read of mary's groups still on its way when her membership is removed here
    const { store, cache } = setUp();
    await cache.user('mary');
    let open!: () => void;
    store.gate = new Promise((resolve) => {
      open = resolve;
    });
    const overtaken = cache.identityOf('mary');
    await new Promise((resolve) => setImmediate(resolve));
    store.write(() => store.groups.set('mary', []), true);
    store.gate = undefined;
    open();
    expect((await overtaken).groupIds).toEqual(['sales']);

    // when her groups are asked for again, then they are read again, without the removed group
    expect(await cache.identityOf('mary')).toEqual({ userId: 'mary', groupIds: [], tenantIds: [] });
  });

  it('does not remember a failed read', async () => {
    // given a read of the user that fails
    const { store, cache } = setUp();
    await cache.identityOf('mary');
    store.take();
    store.failNextLoad = true;
    await expect(cache.user('mary')).rejects.toThrow('throttled');

    // when the user is asked for again, then it is read again
    await expect(cache.user('mary')).resolves.toEqual({ id: 'mary', passwordHash: 'h1' });
    expect(store.take()).toEqual(['user mary', 'user mary']);
  });

  it('drops everything rather than grow beyond 10,000 entries', async () => {
    // given a cache that has read mary and then 9,999 unknown users
    const { store, cache } = setUp();
    await cache.user('mary');
    for (let i = 0; i < 9_999; i++) await cache.user(`nobody-${i}`);
    store.take();

    // when one more unknown user is asked for, then mary is read again next time
    await cache.user('one-too-many');
    await cache.user('mary');
    expect(store.take()).toEqual(['user one-too-many', 'user mary']);
  });

  it('reads everything every time, and never the stamp, with a lifetime of 0', async () => {
    // given a cache turned off
    const { store, cache } = setUp(0);

    // when the same request is answered twice, then both read the user, the groups and the authorizations
    await request(cache);
    await request(cache);
    const reads = store.take();
    expect(reads.filter((r) => r === 'user mary')).toHaveLength(2);
    expect(reads).not.toContain('stamp');
  });
});
