import { createDocumentClient } from '../shared/store/client.ts';
import { DefinitionRepository } from '../shared/store/definition-repository.ts';
import { indexLayoutFrom } from '../shared/store/index-layout.ts';
import { migrateKeys } from '../shared/store/migrate-keys.ts';
import { ModelCache } from '../shared/service/model-cache.ts';

/**
 * `npm run migrate-keys -- --table <table name> [--dry-run] [--segments N]`: brings every item of the
 * engine table to the index keys of this version and of `INDEX_SHARDS` (docs/data-model.md,
 * "Migrating keys"). Safe to run beside live traffic and to run again. Uses the AWS credentials and
 * region of the environment, and AWS_ENDPOINT_URL when set.
 */
const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};
const tableName = option('table');
if (!tableName) {
  console.error('usage: npm run migrate-keys -- --table <table name> [--dry-run] [--segments N]   (INDEX_SHARDS as the functions have it)');
  process.exit(2);
}
const dryRun = args.includes('--dry-run');
const layout = indexLayoutFrom(process.env.INDEX_SHARDS);
const doc = createDocumentClient({ region: process.env.AWS_REGION ?? 'us-east-1', endpoint: process.env.AWS_ENDPOINT_URL });
const definitions = new DefinitionRepository(doc, tableName);
const models = new ModelCache((definition) => definitions.definitionXml(definition));
const model = async (definitionId: string) => {
  const definition = await definitions.getDefinition(definitionId);
  return definition ? models.get(definition) : undefined;
};
const report = await migrateKeys({ doc, tableName, layout, model }, { dryRun, segments: option('segments') ? Number(option('segments')) : undefined });
console.log(`${dryRun ? 'dry run: ' : ''}${report.scanned} item(s) scanned with ${layout.shards} shard(s)`);
console.log(`  ${dryRun ? 'would re-key' : 're-keyed'} ${report.rekeyed} item(s) ${JSON.stringify(report.rekeyedByKind)}, ${report.instancesReprojected} running instance(s) re-projected`);
console.log(`  ${report.skippedConcurrent} changed meanwhile by live traffic (already current), ${report.instancesWithoutModel} instance(s) without a definition left alone`);
