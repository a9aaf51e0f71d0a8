// A layered, top-to-bottom layout for flows too big for dagre. dagre recurses (a chain of a few
// thousand steps overflows the stack) and its cost grows with every row a connection crosses: a
// 200-step flow whose steps all jump to one last step took 10 s. This one is a few loops over
// arrays, linear but for one sort per row, and never recurses, so 50,000 steps take well under a
// second. It is plainer than dagre's (no crossing minimisation beyond one barycentre pass), which
// is why dagre still lays out the flows it handles quickly (autoLayout.ts).
import type { LayoutInput } from "./dagreLayout";

/** The same spacing as dagre's (dagreLayout.ts), so both layouts read alike. */
export const NODE_GAP = 48;
export const ROW_GAP = 72;
const MARGIN = 20;

/**
 * A layout input as flat arrays, by node index: what the worker is sent (layout.ts). Copying
 * typed arrays to a worker costs next to nothing, 50,000 small objects took half a second.
 */
export interface Packed {
  /** The steps' ids: dagre orders nodes by them (autoLayout.ts); the layered layout never reads them. */
  ids: string[];
  widths: Float64Array;
  heights: Float64Array;
  /** Connections as (source index, target index) pairs, in output order per source. */
  edges: Int32Array;
}

export function pack(input: LayoutInput): Packed {
  const index = new Map<string, number>();
  const widths = new Float64Array(input.nodes.length);
  const heights = new Float64Array(input.nodes.length);
  input.nodes.forEach((n, i) => {
    index.set(n.id, i);
    widths[i] = n.width;
    heights[i] = n.height;
  });
  const pairs: number[] = [];
  for (const e of input.edges) {
    const s = index.get(e.source);
    const t = index.get(e.target);
    if (s !== undefined && t !== undefined && s !== t) pairs.push(s, t);
  }
  return { ids: input.nodes.map((n) => n.id), widths, heights, edges: Int32Array.from(pairs) };
}

/** Outgoing connections of each node by index, in output order, as two flat arrays (CSR). */
interface Graph {
  count: number;
  /** Connections of node i are targets[starts[i]] .. targets[starts[i + 1] - 1]. */
  starts: Int32Array;
  targets: Int32Array;
}

function graphOf(p: Packed): Graph {
  const count = p.widths.length;
  const starts = new Int32Array(count + 1);
  for (let k = 0; k < p.edges.length; k += 2) starts[p.edges[k] + 1] += 1;
  for (let i = 0; i < count; i++) starts[i + 1] += starts[i];
  const fill = starts.slice(0, count);
  const targets = new Int32Array(p.edges.length / 2);
  for (let k = 0; k < p.edges.length; k += 2) targets[fill[p.edges[k]]++] = p.edges[k + 1];
  return { count, starts, targets };
}

/**
 * Which connections go down (`forward`) and the row of each node: the longest path to it along
 * them. A depth-first walk from the start (then from any step it does not reach), kept on an
 * explicit stack since a chain can be 50,000 steps deep, marks each connection back to a step still
 * on the walk's path as a loop's way back: it goes up, every other one goes down, so a step many
 * branches end in (a goodbye) sits below all of them, as in dagre.
 */
function rowsOf(g: Graph): { row: Int32Array; forward: Uint8Array } {
  const forward = new Uint8Array(g.targets.length).fill(1);
  const state = new Uint8Array(g.count); // 0 not seen, 1 on the path, 2 done
  const cursor = g.starts.slice(0, g.count);
  const finished = new Int32Array(g.count);
  let done = 0;
  const stack = new Int32Array(g.count);
  for (let root = 0; root < g.count; root++) {
    if (state[root]) continue;
    let depth = 0;
    stack[depth++] = root;
    state[root] = 1;
    while (depth) {
      const v = stack[depth - 1];
      if (cursor[v] < g.starts[v + 1]) {
        const k = cursor[v]++;
        const t = g.targets[k];
        if (state[t] === 0) {
          state[t] = 1;
          stack[depth++] = t;
        } else if (state[t] === 1) {
          forward[k] = 0;
        }
      } else {
        state[v] = 2;
        finished[done++] = v;
        depth--;
      }
    }
  }
  // Reverse finishing order is a topological order of the downward connections.
  const row = new Int32Array(g.count);
  for (let n = done - 1; n >= 0; n--) {
    const s = finished[n];
    for (let k = g.starts[s]; k < g.starts[s + 1]; k++) {
      const t = g.targets[k];
      if (forward[k] && row[t] < row[s] + 1) row[t] = row[s] + 1;
    }
  }
  return { row, forward };
}

/**
 * What dagre's work on this input grows with: its nodes plus one per row each connection crosses
 * (dagre puts a dummy node there). Measured with the rows above, which are close to dagre's own.
 */
export function layoutCost(p: Packed): number {
  const g = graphOf(p);
  const { row } = rowsOf(g);
  let cost = g.count;
  for (let s = 0; s < g.count; s++) {
    for (let k = g.starts[s]; k < g.starts[s + 1]; k++) cost += Math.max(0, Math.abs(row[g.targets[k]] - row[s]) - 1);
  }
  return cost;
}

/** Top-left corners, as (x, y) pairs by node index. */
export function layeredLayout(p: Packed): Float64Array {
  const g = graphOf(p);
  const { count } = g;
  const { row, forward } = rowsOf(g);
  let rowCount = 0;
  for (let i = 0; i < count; i++) rowCount = Math.max(rowCount, row[i] + 1);

  // The nodes of each row, in input order; the downward connections into each node.
  const rowStarts = new Int32Array(rowCount + 1);
  for (let i = 0; i < count; i++) rowStarts[row[i] + 1] += 1;
  for (let r = 0; r < rowCount; r++) rowStarts[r + 1] += rowStarts[r];
  const rowFill = rowStarts.slice(0, rowCount);
  const byRow = new Int32Array(count);
  for (let i = 0; i < count; i++) byRow[rowFill[row[i]]++] = i;

  const inStarts = new Int32Array(count + 1);
  for (let s = 0; s < count; s++) {
    for (let k = g.starts[s]; k < g.starts[s + 1]; k++) if (forward[k]) inStarts[g.targets[k] + 1] += 1;
  }
  for (let i = 0; i < count; i++) inStarts[i + 1] += inStarts[i];
  const inFill = inStarts.slice(0, count);
  const sources = new Int32Array(inStarts[count]);
  for (let s = 0; s < count; s++) {
    for (let k = g.starts[s]; k < g.starts[s + 1]; k++) if (forward[k]) sources[inFill[g.targets[k]]++] = s;
  }

  // Row by row from the top: each node wants to sit centred under the nodes leading to it; the
  // row keeps that order (ties: input order, which is output order for siblings, success before
  // fail) and is then pushed apart left-to-right and right-to-left; the average of the two keeps
  // every gap and centres siblings under their parent.
  const { widths, heights } = p;
  const centre = new Float64Array(count);
  const wanted = new Float64Array(count);
  const left = new Float64Array(count);
  const top = new Float64Array(count);
  let y = MARGIN;
  for (let r = 0; r < rowCount; r++) {
    const members = Array.from(byRow.subarray(rowStarts[r], rowStarts[r + 1]));
    let rightmost = -Infinity;
    for (const i of members) {
      let sum = 0;
      for (let k = inStarts[i]; k < inStarts[i + 1]; k++) sum += centre[sources[k]];
      const n = inStarts[i + 1] - inStarts[i];
      wanted[i] = n ? sum / n : NaN;
      if (n) rightmost = Math.max(rightmost, sum / n);
    }
    // A node nothing leads to (the start, a part of the flow not reached from it) goes right of the rest.
    let free = rightmost === -Infinity ? 0 : rightmost;
    for (const i of members) {
      if (!Number.isNaN(wanted[i])) continue;
      free += widths[i] + NODE_GAP;
      wanted[i] = free;
    }
    members.sort((a, b) => wanted[a] - wanted[b] || a - b);

    const pushed = new Float64Array(members.length);
    for (let m = 0; m < members.length; m++) {
      const i = members[m];
      const want = wanted[i] - widths[i] / 2;
      pushed[m] = m === 0 ? want : Math.max(want, pushed[m - 1] + widths[members[m - 1]] + NODE_GAP);
    }
    let next = Infinity;
    let height = 0;
    for (let m = members.length - 1; m >= 0; m--) {
      const i = members[m];
      const want = wanted[i] - widths[i] / 2;
      const back = Math.min(want, next - NODE_GAP - widths[i]);
      next = back;
      left[i] = (pushed[m] + back) / 2;
      centre[i] = left[i] + widths[i] / 2;
      height = Math.max(height, heights[i]);
    }
    for (const i of members) top[i] = y + (height - heights[i]) / 2;
    y += height + ROW_GAP;
  }

  let minX = Infinity;
  for (let i = 0; i < count; i++) minX = Math.min(minX, left[i]);
  const corners = new Float64Array(2 * count);
  for (let i = 0; i < count; i++) {
    corners[2 * i] = Math.round(left[i] - minX + MARGIN);
    corners[2 * i + 1] = Math.round(top[i]);
  }
  return corners;
}
