import type { ActivityInstanceState } from './state.ts';

/**
 * Parent pointers for the mutable tree an operation works on. Kept beside the tree, not in it, so the
 * stored JSON stays a plain tree with no cycles and no redundant ids.
 */
export class TreeIndex {
  private readonly parents = new Map<ActivityInstanceState, ActivityInstanceState>();

  constructor(readonly root: ActivityInstanceState) {
    const visit = (node: ActivityInstanceState) => {
      for (const child of node.children ?? []) {
        this.parents.set(child, node);
        visit(child);
      }
    };
    visit(root);
  }

  parentOf(node: ActivityInstanceState): ActivityInstanceState | undefined {
    return this.parents.get(node);
  }

  add(parent: ActivityInstanceState, child: ActivityInstanceState): void {
    if (!parent.children) parent.children = [];
    parent.children.push(child);
    this.parents.set(child, parent);
  }

  remove(node: ActivityInstanceState): void {
    const parent = this.parents.get(node);
    if (!parent?.children) return;
    const at = parent.children.indexOf(node);
    if (at >= 0) parent.children.splice(at, 1);
    if (parent.children.length === 0) delete parent.children;
    this.parents.delete(node);
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
  *all(from: ActivityInstanceState = this.root): Generator<ActivityInstanceState> {
    const stack = [from];
    while (stack.length > 0) {
      const node = stack.pop()!;
      yield node;
      const children = node.children;
      if (children) for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    }
  }

  find(predicate: (node: ActivityInstanceState) => boolean): ActivityInstanceState | undefined {
    for (const node of this.all()) if (predicate(node)) return node;
    return undefined;
  }
}
