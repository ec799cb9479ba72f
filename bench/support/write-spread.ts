/**
 * Where writes land: per partition key value of the table and of each index, from the write requests
 * the product sends (document-client inputs, seen through count-aws-calls' `onCall`). DynamoDB
 * writes an index entry when an item with that index's key attributes is put or updated, and removes
 * one when such an item is deleted or loses the key — so deletes and updates are charged to the
 * index keys the item had when it was last put, which the tracker remembers from every put it saw.
 */
const INDEXES = ['gsi1', 'gsi2', 'gsi3', 'gsi4'] as const;

type Json = Record<string, any>;

export interface IndexSpread {
  index: string;
  writes: number;
  busiestKey: string;
  busiestWrites: number;
  share: number;
}

export class WriteSpread {
  private readonly known = new Map<string, Json>();
  private readonly counts = new Map<string, Map<string, number>>();
  /** Writes are always remembered (so deletes can be charged later) but counted only while true. */
  counting = false;

  /** Feed every call here (count-aws-calls `onCall`). */
  observe(command: string, input: unknown): void {
    const body = input as Json;
    if (command === 'DynamoDB.Put') this.write('put', body.Item);
    else if (command === 'DynamoDB.Delete') this.write('delete', body.Key);
    else if (command === 'DynamoDB.Update') this.write('update', body.Key);
    else if (command === 'DynamoDB.TransactWrite') {
      for (const action of body.TransactItems as Json[]) {
        if (action.Put) this.write('put', action.Put.Item);
        else if (action.Delete) this.write('delete', action.Delete.Key);
        else if (action.Update) this.write('update', action.Update.Key);
      }
    } else if (command === 'DynamoDB.BatchWrite') {
      for (const requests of Object.values(body.RequestItems as Record<string, Json[]>)) {
        for (const request of requests) {
          if (request.PutRequest) this.write('put', request.PutRequest.Item);
          else if (request.DeleteRequest) this.write('delete', request.DeleteRequest.Key);
        }
      }
    }
  }

  private write(kind: 'put' | 'update' | 'delete', item: Json): void {
    const id = `${item.pk}|${item.sk}`;
    const before = this.known.get(id);
    const after = kind === 'put' ? item : kind === 'update' ? before : undefined;
    this.count('table', String(item.pk));
    for (const index of INDEXES) {
      const oldKey = before?.[`${index}pk`] as string | undefined;
      const newKey = after?.[`${index}pk`] as string | undefined;
      if (newKey !== undefined) this.count(index, newKey);
      if (oldKey !== undefined && oldKey !== newKey) this.count(index, oldKey);
    }
    if (after) this.known.set(id, after);
    else this.known.delete(id);
  }

  private count(index: string, key: string): void {
    if (!this.counting) return;
    let byKey = this.counts.get(index);
    if (!byKey) {
      byKey = new Map();
      this.counts.set(index, byKey);
    }
    byKey.set(key, (byKey.get(key) ?? 0) + 1);
  }

  /** Per index (and the table): its writes and the share its busiest key value took. */
  report(): IndexSpread[] {
    return [...this.counts].map(([index, byKey]) => {
      let writes = 0;
      let busiestKey = '';
      let busiestWrites = 0;
      for (const [key, n] of byKey) {
        writes += n;
        if (n > busiestWrites) [busiestKey, busiestWrites] = [key, n];
      }
      return { index, writes, busiestKey, busiestWrites, share: busiestWrites / writes };
    });
  }
}
