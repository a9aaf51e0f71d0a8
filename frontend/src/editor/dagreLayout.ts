// Auto-layout with dagre, top to bottom. Shared by the main thread (small flows) and the
// layout worker (big flows: dagre on 1,000 steps blocks a page for seconds).
import dagre from "@dagrejs/dagre";

export interface LayoutInput {
  /** In the order to lay out: breadth-first from the start, outputs in port order. */
  nodes: { id: string; width: number; height: number }[];
  /** Ordered like the outputs they leave from. */
  edges: { source: string; target: string }[];
}

export type Positions = Record<string, { x: number; y: number }>;

export function computeLayout(input: LayoutInput): Positions {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: "TB", nodesep: 48, ranksep: 72, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of input.nodes) g.setNode(n.id, { width: n.width, height: n.height });
  input.edges.forEach((e, i) => {
    if (e.source !== e.target && g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target, {}, `e${i}`);
  });
  dagre.layout(g);

  const positions: Positions = {};
  for (const n of input.nodes) {
    const laid = g.node(n.id) as { x: number; y: number } | undefined;
    if (laid) positions[n.id] = { x: laid.x - n.width / 2, y: laid.y - n.height / 2 };
  }
  keepPortOrder(input, positions);
  for (const id of Object.keys(positions)) {
    positions[id] = { x: Math.round(positions[id].x), y: Math.round(positions[id].y) };
  }
  return positions;
}

/**
 * dagre breaks ties between siblings arbitrarily; children that only one step leads to and that
 * sit on one row are put left-to-right in the order of that step's outputs (success before fail).
 */
function keepPortOrder(input: LayoutInput, positions: Positions): void {
  const parents = new Map<string, Set<string>>();
  const children = new Map<string, string[]>();
  for (const e of input.edges) {
    if (e.source === e.target) continue;
    if (!parents.has(e.target)) parents.set(e.target, new Set());
    parents.get(e.target)!.add(e.source);
    const list = children.get(e.source) ?? [];
    if (!list.includes(e.target)) list.push(e.target);
    children.set(e.source, list);
  }
  for (const [, kids] of children) {
    if (kids.length < 2) continue;
    const own = kids.filter((k) => parents.get(k)?.size === 1 && positions[k]);
    if (own.length < 2) continue;
    const row = positions[own[0]].y;
    if (!own.every((k) => positions[k].y === row)) continue;
    const xs = own.map((k) => positions[k].x).sort((a, b) => a - b);
    own.forEach((k, i) => (positions[k] = { x: xs[i], y: row }));
  }
}
