import { SQSClient } from '@aws-sdk/client-sqs';
import { redriveDeadLetters } from '../shared/queue/redrive.ts';

/**
 * `npm run redrive -- --from <dead-letter queue URL> --to <queue URL> [--dry-run] [--max N]`:
 * moves dead-lettered messages back to their queue (or, with --dry-run, lists them). Uses the AWS
 * credentials and region of the environment, and AWS_ENDPOINT_URL when set.
 */
const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};
const from = option('from');
const to = option('to');
if (!from || !to) {
  console.error('usage: npm run redrive -- --from <dead-letter queue URL> --to <queue URL> [--dry-run] [--max N]');
  process.exit(2);
}
const dryRun = args.includes('--dry-run');
const sqs = new SQSClient({ region: process.env.AWS_REGION ?? 'us-east-1', endpoint: process.env.AWS_ENDPOINT_URL });
const { messages } = await redriveDeadLetters(sqs, { from, to, dryRun, max: option('max') ? Number(option('max')) : undefined });
for (const m of messages) console.log(`${m.messageId}  received ${m.receiveCount}×  ${m.body}`);
console.log(`${dryRun ? 'would move' : 'moved'} ${messages.length} message(s) from ${from} to ${to}`);
