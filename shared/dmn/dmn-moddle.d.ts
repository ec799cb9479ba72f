// dmn-moddle and dmn-migrate ship no types; this is the slice the DMN parser uses.
declare module 'dmn-moddle' {
  export class DmnModdle {
    constructor(packages?: Record<string, unknown>);
    fromXML(xml: string, typeName?: string): Promise<{ rootElement: unknown; warnings: { message: string }[] }>;
  }
}

declare module '@bpmn-io/dmn-migrate' {
  /** The DMN XML migrated to DMN 1.3 (unchanged if it already is). */
  export function migrateDiagram(xml: string): Promise<string>;
}
