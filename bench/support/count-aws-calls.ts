import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** AWS API calls seen while counting, by `Service.Command`, plus the total. */
export interface CallCounts {
  total: number;
  byCommand: Record<string, number>;
  /** Milliseconds spent waiting for each command (summed over calls, overlapping calls add up). */
  msByCommand?: Record<string, number>;
  /** Calls that ended in an error (after the SDK's own retries). */
  errors?: number;
}

export interface CountOptions {
  /** Calls for which this returns true are not counted (e.g. the benchmark's own observation requests). */
  ignore?: () => boolean;
  /** Sees every counted call's command name and input (to capture request shapes). */
  onCall?: (command: string, input: unknown) => void;
}

type Send = (this: unknown, command: unknown, ...rest: unknown[]) => unknown;

/**
 * Counts every AWS API call made through any DynamoDB, DynamoDB document or SQS client in this
 * process — including the clients the product creates internally (local runtime, services,
 * pollers), which no benchmark can reach to attach middleware to — by wrapping `send` on the client
 * prototypes. `stop()` restores the originals. One logical call counts once (SDK retries happen
 * inside `send`). The document client is wrapped too: it extends the SDK's base Client, not
 * DynamoDBClient, so its calls never pass through DynamoDBClient.prototype.send (no double counting).
 */
export function countAwsCalls(options: CountOptions = {}): { counts: CallCounts; reset(): void; stop(): void } {
  const counts: CallCounts = { total: 0, byCommand: {}, msByCommand: {}, errors: 0 };
  const targets: [prototype: { send: Send }, service: string][] = [
    [DynamoDBClient.prototype as unknown as { send: Send }, 'DynamoDB'],
    [DynamoDBDocumentClient.prototype as unknown as { send: Send }, 'DynamoDB'],
    [SQSClient.prototype as unknown as { send: Send }, 'SQS'],
  ];
  const restore: (() => void)[] = [];
  for (const [prototype, service] of targets) {
    const hadOwn = Object.hasOwn(prototype, 'send');
    const original = prototype.send;
    prototype.send = function countedSend(this: unknown, command: unknown, ...rest: unknown[]) {
      if (options.ignore?.()) return original.call(this, command, ...rest);
      const name = `${service}.${((command as object)?.constructor?.name ?? 'unknown').replace(/Command$/, '')}`;
      counts.total += 1;
      counts.byCommand[name] = (counts.byCommand[name] ?? 0) + 1;
      options.onCall?.(name, (command as { input?: unknown }).input);
      const started = performance.now();
      const result = original.call(this, command, ...rest);
      if (!(result instanceof Promise)) return result;
      return result.then(
        (output: unknown) => {
          let key = name;
          // An empty long-poll is the event source mapping idling (Lambda's own polling in AWS), not work.
          const empty = name === 'SQS.ReceiveMessage' && !(output as { Messages?: unknown[] })?.Messages?.length;
          // (A call still in flight across reset() is not moved into the fresh counts.)
          if (empty && (counts.byCommand[name] ?? 0) > 0) {
            key = 'SQS.ReceiveMessage(empty)';
            counts.byCommand[name]! -= 1;
            if (counts.byCommand[name] === 0) delete counts.byCommand[name];
            counts.byCommand[key] = (counts.byCommand[key] ?? 0) + 1;
          }
          counts.msByCommand![key] = (counts.msByCommand![key] ?? 0) + (performance.now() - started);
          return output;
        },
        (error: unknown) => {
          counts.errors! += 1;
          counts.msByCommand![name] = (counts.msByCommand![name] ?? 0) + (performance.now() - started);
          throw error;
        },
      );
    };
    restore.push(() => {
      if (hadOwn) prototype.send = original;
      else delete (prototype as { send?: Send }).send;
    });
  }
  return {
    counts,
    reset: () => clearCounts(counts),
    stop() {
      for (const undo of restore.reverse()) undo();
    },
  };
}

/** Milliseconds spent in AWS calls so far (summed over commands). */
export function awsMs(counts: CallCounts): number {
  return Object.values(counts.msByCommand ?? {}).reduce((a, b) => a + b, 0);
}

/** Starts the counts over, in place (callers keep a reference to the object). */
function clearCounts(counts: CallCounts): void {
  counts.total = 0;
  counts.byCommand = {};
  counts.msByCommand = {};
  counts.errors = 0;
}

/** `DynamoDB.Get×2, DynamoDB.TransactWrite×1` style summary, most frequent first. */
export function describeCounts(counts: CallCounts, per = 1): string {
  return Object.entries(counts.byCommand)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name}×${formatPer(n / per)}`)
    .join(', ');
}

function formatPer(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

interface StackOwner {
  middlewareStack: {
    add(middleware: unknown, options: { step: 'initialize'; name: string; override?: boolean }): void;
    remove(name: string): boolean;
  };
}

let middlewareSeq = 0;

/**
 * The documented way for a client you hold: an `initialize`-step middleware on its middleware stack
 * (a DynamoDB document client shares the stack of the DynamoDBClient it wraps). Optionally hands
 * each command's input to `onInput` (to capture the shape of a request for a like-for-like floor).
 */
export function attachCallCounter(
  client: StackOwner,
  service: string,
  onInput?: (command: string, input: unknown) => void,
  ignore?: () => boolean,
): { counts: CallCounts; reset(): void; detach(): void } {
  const counts: CallCounts = { total: 0, byCommand: {}, msByCommand: {}, errors: 0 };
  const name = `benchCallCounter${++middlewareSeq}`;
  client.middlewareStack.add(
    (next: (args: { input: unknown }) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: unknown }) => {
      if (ignore?.()) return next(args);
      const command = `${service}.${(context.commandName ?? 'unknown').replace(/Command$/, '')}`;
      counts.total += 1;
      counts.byCommand[command] = (counts.byCommand[command] ?? 0) + 1;
      onInput?.(command, args.input);
      const started = performance.now();
      try {
        return await next(args);
      } catch (error) {
        counts.errors! += 1;
        throw error;
      } finally {
        counts.msByCommand![command] = (counts.msByCommand![command] ?? 0) + (performance.now() - started);
      }
    },
    { step: 'initialize', name },
  );
  return {
    counts,
    reset: () => clearCounts(counts),
    detach() {
      client.middlewareStack.remove(name);
    },
  };
}
