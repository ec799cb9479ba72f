import type { ActivityInstanceState } from './state.ts';

/**
 * Parent pointers for the mutable tree an operation works on. Kept beside the tree, not in it, so the
 * stored JSON stays a plain tree with no cycles and no redundant ids.
 */
export class TreeIndex {
  private readonly parents = new Map<ActivityInstanceState, ActivityInstanceState>();
  /** Nodes by id; ids are unique across activity and transition instances. */
  private readonly byId = new Map<string, ActivityInstanceState>();

  constructor(readonly root: ActivityInstanceState) {
    this.byId.set(root.id, root);
    const stack = [root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      const children = node.children;
      if (!children) continue;
      for (const child of children) {
        this.parents.set(child, node);
        this.byId.set(child.id, child);
        stack.push(child);
      }
    }
  }

  /** The attached node with this id, in constant time. */
  get(id: string): ActivityInstanceState | undefined {
    const node = this.byId.get(id);
    return node && this.isAttached(node) ? node : undefined;
  }

  parentOf(node: ActivityInstanceState): ActivityInstanceState | undefined {
    return this.parents.get(node);
  }

  add(parent: ActivityInstanceState, child: ActivityInstanceState): void {
    if (!parent.children) parent.children = [];
    parent.children.push(child);
    this.parents.set(child, parent);
    this.byId.set(child.id, child);
  }

  remove(node: ActivityInstanceState): void {
    const parent = this.parents.get(node);
    if (!parent?.children) return;
    const at = parent.children.indexOf(node);
    if (at >= 0) parent.children.splice(at, 1);
    if (parent.children.length === 0) delete parent.children;
    this.parents.delete(node);
    if (this.byId.get(node.id) === node) this.byId.delete(node.id);
  }

  isAttached(node: ActivityInstanceState): boolean {
    return node === this.root || this.parents.has(node);
  }

  /** The node and its ancestors, nearest first. */
  *ancestry(node: ActivityInstanceState): Generator<ActivityInstanceState> {
    let current: ActivityInstanceState | undefined = node;
    while (current) {
      yield current;
      current = this.parents.get(current);
    }
  }

  /** Every node of the tree, depth first, parents before children. */
  all(from: ActivityInstanceState = this.root): ActivityInstanceState[] {
    const result: ActivityInstanceState[] = [];
    const stack = [from];
    while (stack.length > 0) {
      const node = stack.pop()!;
      result.push(node);
      const children = node.children;
      if (children) for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    }
    return result;
  }

  find(predicate: (node: ActivityInstanceState) => boolean): ActivityInstanceState | undefined {
    for (const node of this.all()) if (predicate(node)) return node;
    return undefined;
  }
}
