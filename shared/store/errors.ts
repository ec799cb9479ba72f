/** The stored instance changed since it was read: the caller retries on fresh state or gives up. */
export class ConcurrentModificationError extends Error {
  constructor(readonly entityId: string) {
    super(`ENGINE-03005 Execution of 'UPDATE ProcessInstance[${entityId}]' failed. Entity was updated by another transaction concurrently.`);
    this.name = 'OptimisticLockingException';
  }
}

export function isConditionalFailure(error: unknown): boolean {
  const e = error as { name?: string; CancellationReasons?: { Code?: string }[] };
  if (e?.name === 'ConditionalCheckFailedException') return true;
  return e?.name === 'TransactionCanceledException' && (e.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed');
}
