/**
 * The slice of bpmn-moddle's object graph this parser reads. bpmn-moddle ships no precise types for
 * the camunda extension, so the parser works on this loose shape and checks what it uses.
 */
export interface ModdleElement {
  readonly $type: string;
  readonly id?: string;
  readonly name?: string;
  readonly [key: string]: unknown;
}

export function children(element: ModdleElement, key: string): ModdleElement[] {
  const value = element[key];
  return Array.isArray(value) ? (value as ModdleElement[]) : [];
}

export function child(element: ModdleElement, key: string): ModdleElement | undefined {
  const value = element[key];
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as ModdleElement) : undefined;
}

export function text(element: ModdleElement, key: string): string | undefined {
  const value = element[key];
  return typeof value === 'string' ? value : undefined;
}

export function extensionValues(element: ModdleElement): ModdleElement[] {
  const ext = child(element, 'extensionElements');
  return ext ? children(ext, 'values') : [];
}
