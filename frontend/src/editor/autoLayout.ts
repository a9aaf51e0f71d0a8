// Which layout a flow gets: dagre's (dagreLayout.ts) while it is quick, the layered one
// (layeredLayout.ts) beyond. Used by the main thread for small flows and by the layout worker.
import { computeLayout, type LayoutInput, type Positions } from "./dagreLayout";
import { layeredLayout, layoutCost, type Packed } from "./layeredLayout";

/**
 * dagre's work, in nodes plus rows crossed by connections (layoutCost), up to which it is used.
 * Measured on this machine: a cost of about 350 took 0.8 s, 1,000 about 1 s to 3 s; beyond a few
 * thousand it runs out of stack.
 */
export const DAGRE_BUDGET = 800;

/** Top-left corners, as (x, y) pairs by node index. */
export function autoLayout(p: Packed): Float64Array {
  const count = p.widths.length;
  if (layoutCost(p) <= DAGRE_BUDGET) {
    const { ids } = p;
    const input: LayoutInput = { nodes: [], edges: [] };
    for (let i = 0; i < count; i++) input.nodes.push({ id: ids[i], width: p.widths[i], height: p.heights[i] });
    for (let k = 0; k < p.edges.length; k += 2) input.edges.push({ source: ids[p.edges[k]], target: ids[p.edges[k + 1]] });
    try {
      const positions = computeLayout(input);
      const corners = new Float64Array(2 * count);
      for (let i = 0; i < count; i++) {
        corners[2 * i] = positions[ids[i]]?.x ?? 0;
        corners[2 * i + 1] = positions[ids[i]]?.y ?? 0;
      }
      return corners;
    } catch {
      // A shape dagre cannot handle: the layered layout always can.
    }
  }
  return layeredLayout(p);
}

/** The corners as positions by step id (`ids` in node index order). */
export function unpack(ids: string[], corners: Float64Array): Positions {
  const positions: Positions = {};
  ids.forEach((id, i) => (positions[id] = { x: corners[2 * i], y: corners[2 * i + 1] }));
  return positions;
}
