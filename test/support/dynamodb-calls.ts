import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** One DynamoDB call made through a document client: its command, its input and how many items it answered. */
export interface DynamoDbCall {
  command: string;
  input: Record<string, unknown>;
  itemsRead: number;
}

type Send = (this: unknown, command: unknown, ...rest: unknown[]) => Promise<unknown>;

/**
 * Records every call made through any DynamoDB document client in this process (the repositories'
 * clients included, which a test cannot reach) by wrapping `send` on the prototype, the way
 * bench/support/count-aws-calls.ts counts them. `stop()` restores it.
 */
export function recordDynamoDbCalls(): { calls: DynamoDbCall[]; take(): DynamoDbCall[]; stop(): void } {
  const prototype = DynamoDBDocumentClient.prototype as unknown as { send: Send };
  const hadOwn = Object.hasOwn(prototype, 'send');
  const original = prototype.send;
  let calls: DynamoDbCall[] = [];
  prototype.send = async function recordedSend(this: unknown, command: unknown, ...rest: unknown[]) {
    const output = (await original.call(this, command, ...rest)) as { Items?: unknown[]; Item?: unknown };
    const name = ((command as object).constructor.name ?? 'unknown').replace(/Command$/, '');
    const itemsRead = output.Items ? output.Items.length : output.Item ? 1 : 0;
    calls.push({ command: name, input: (command as { input: Record<string, unknown> }).input, itemsRead });
    return output;
  };
  return {
    get calls() {
      return calls;
    },
    take() {
      const taken = calls;
      calls = [];
      return taken;
    },
    stop() {
      if (hadOwn) prototype.send = original;
      else delete (prototype as { send?: Send }).send;
    },
  };
}
