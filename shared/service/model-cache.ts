import { parseBpmn } from '../bpmn/parse-bpmn.ts';
import type { ProcessModel } from '../bpmn/model.ts';
import type { DefinitionRecord } from '../store/definition-repository.ts';

/**
 * Parsed models by definition id. Definitions never change once deployed, so a warm Lambda parses
 * each at most once.
 */
export class ModelCache {
  private readonly models = new Map<string, Promise<ProcessModel>>();

  /** `xmlOf` reads a definition's XML (from its deployment's resource). */
  constructor(private readonly xmlOf: (definition: DefinitionRecord) => Promise<string>) {}

  get(definition: DefinitionRecord): Promise<ProcessModel> {
    let model = this.models.get(definition.id);
    if (!model) {
      model = this.xmlOf(definition).then(async (xml) => {
        const models = await parseBpmn(xml, definition.resourceName);
        const found = models.find((m) => m.id === definition.key);
        if (!found) throw new Error(`Process '${definition.key}' missing from ${definition.resourceName}`);
        return found;
      });
      this.models.set(definition.id, model);
      model.catch(() => this.models.delete(definition.id));
    }
    return model;
  }
}
