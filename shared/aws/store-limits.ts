/**
 * DynamoDB's size limits, and the error that reports input which would exceed them. Inputs are
 * checked against these before anything is written (a 400 that names the limit, nothing half
 * written); a request that still reaches a limit in the store is reported the same way
 * (`asStoreLimitExceeded`), never as a 500.
 */
export const STORE_LIMITS = {
  /** One item, attribute names and values included. */
  itemBytes: 400 * 1024,
  partitionKeyBytes: 2048,
  sortKeyBytes: 1024,
} as const;

/** Bad input: it would not fit the store. Answered as Camunda's 400 InvalidRequestException. */
export class StoreLimitExceeded extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'StoreLimitExceeded';
  }
}

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** DynamoDB's messages for its size limits, and how to name each to a client. */
const LIMIT_MESSAGES: [RegExp, string][] = [
  [/Item size (to update )?has exceeded the maximum allowed size/i, `an item of the store holds at most ${STORE_LIMITS.itemBytes / 1024} KB`],
  [/Size of hashkey has exceeded/i, `a key of the store holds at most ${STORE_LIMITS.partitionKeyBytes} bytes`],
  [/size of all range keys has exceeded|Size of (range|sort) ?key has exceeded/i, `a sort key of the store holds at most ${STORE_LIMITS.sortKeyBytes} bytes`],
  [/Transaction request cannot exceed|Collection size exceeded|Item collection size limit/i, 'one request to the store holds at most 4 MB'],
];

interface StoreError {
  name?: string;
  message?: string;
  CancellationReasons?: { Code?: string; Message?: string }[];
}

/** The store's answer "too big" as StoreLimitExceeded, or undefined for any other error. */
export function asStoreLimitExceeded(error: unknown): StoreLimitExceeded | undefined {
  if (typeof error !== 'object' || error === null || error instanceof StoreLimitExceeded) return undefined;
  const e = error as StoreError;
  if (e.name !== 'ValidationException' && e.name !== 'TransactionCanceledException') return undefined;
  const messages = [e.message ?? '', ...(e.CancellationReasons ?? []).map((r) => r.Message ?? '')];
  for (const [pattern, limit] of LIMIT_MESSAGES) {
    if (messages.some((m) => pattern.test(m))) return new StoreLimitExceeded(`The request exceeds a limit of the store: ${limit}.`, { cause: error });
  }
  return undefined;
}
