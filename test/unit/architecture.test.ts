import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layering of DESIGN.md, read from the import statements of the source (type-only imports
 * included): no cycle between folders, none between the files of the engine core, the pure folders
 * free of I/O, and the REST layer kept away from the store.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

/** file → the project files it imports (relative specifiers only). */
function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets: string[] = [];
    for (const match of readFileSync(join(ROOT, file), 'utf8').matchAll(IMPORT)) {
      targets.push(normalize(join(dirname(file), match[1] ?? match[2]!)));
    }
    graph.set(file, targets);
  }
  return graph;
}

/** The unit a file belongs to: `shared/<folder>`, or the top-level folder. */
function folderOf(file: string): string {
  const parts = file.split('/');
  return parts[0] === 'shared' ? `shared/${parts[1]}` : parts[0]!;
}

/** Every cycle's members, found as strongly connected components of more than one node (or a self-loop). */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const indexes = new Map<string, number>();
  const lowLinks = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    indexes.set(node, index);
    lowLinks.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indexes.has(next)) {
        visit(next);
        lowLinks.set(node, Math.min(lowLinks.get(node)!, lowLinks.get(next)!));
      } else if (onStack.has(next)) {
        lowLinks.set(node, Math.min(lowLinks.get(node)!, indexes.get(next)!));
      }
    }
    if (lowLinks.get(node) === indexes.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || graph.get(node)?.has(node)) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indexes.has(node)) visit(node);
  return found;
}

const files = [...sourceFiles('shared'), ...sourceFiles('functions'), ...sourceFiles('local'), ...sourceFiles('cdk')];
const graph = importGraph(files);

describe('the architecture', () => {
  it('has no import cycle between folders', () => {
    const folders = new Map<string, Set<string>>();
    for (const [file, targets] of graph) {
      const from = folderOf(file);
      if (!folders.has(from)) folders.set(from, new Set());
      for (const target of targets) if (folderOf(target) !== from) folders.get(from)!.add(folderOf(target));
    }
    expect(cycles(folders)).toEqual([]);
  });

  it.each(['shared/engine/', 'shared/bpmn/'])('has no import cycle between the files of %s', (folder) => {
    const inside = new Map<string, Set<string>>();
    for (const [file, targets] of graph) {
      if (file.startsWith(folder)) inside.set(file, new Set(targets.filter((t) => t.startsWith(folder))));
    }
    expect(inside.size).toBeGreaterThan(10);
    expect(cycles(inside)).toEqual([]);
  });

  it('keeps the pure folders free of AWS, I/O and the clock', () => {
    const pure = files.filter((f) => /^shared\/(engine|batch|bpmn|expression|query)\//.test(f));
    const code = (file: string) =>
      readFileSync(join(ROOT, file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
    const offenders = pure.filter((file) => /from ['"](@aws-sdk\/|node:fs|node:http|node:net|node:child_process)|Date\.now\(\)|new Date\(\)|randomUUID/.test(code(file)));
    expect(offenders).toEqual([]);
  });

  it('keeps the REST layer away from the store and the services: routes call use cases', () => {
    const reaching = [...graph].filter(
      ([file, targets]) => file.startsWith('shared/rest/') && targets.some((t) => t.startsWith('shared/store/') || t === 'shared/service/engine-service.ts' || t === 'shared/service/batch-service.ts'),
    );
    expect(reaching.map(([file]) => file)).toEqual([]);
  });

  it('builds index keys only in the store: use cases and routes call named repository methods', () => {
    const outside = files.filter((f) => /^shared\/(app|rest|service)\//.test(f) && /\.byKind\(|gsi[12]pk|'(EXTTASK|MSG|HPI)#?/.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(outside).toEqual([]);
  });

  it('finds imports at all (the checks above would pass vacuously otherwise)', () => {
    expect(graph.get('shared/rest/router.ts')).toContain('shared/rest/errors.ts');
    expect([...graph.values()].flat().length).toBeGreaterThan(500);
  });
});
