/** The stored instance changed since it was read: the caller retries on fresh state or gives up. */
export class ConcurrentModificationError extends Error {
  constructor(readonly entityId: string) {
    super(`ENGINE-03005 Execution of 'UPDATE ProcessInstance[${entityId}]' failed. Entity was updated by another transaction concurrently.`);
    this.name = 'OptimisticLockingException';
  }
}

type AwsError = { name?: string; CancellationReasons?: { Code?: string }[] };

export function isConditionalFailure(error: unknown): boolean {
  const e = error as AwsError;
  if (e?.name === 'ConditionalCheckFailedException') return true;
  return e?.name === 'TransactionCanceledException' && (e.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed');
}

/**
 * DynamoDB cancels a transaction that touches an item another transaction is writing at that moment
 * (reason `TransactionConflict`, or TransactionConflictException for a single write). Nothing was
 * written: for a guarded instance write it means the same as a lost version race.
 */
export function isTransactionConflict(error: unknown): boolean {
  const e = error as AwsError;
  if (e?.name === 'TransactionConflictException') return true;
  return e?.name === 'TransactionCanceledException' && (e.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict');
}
