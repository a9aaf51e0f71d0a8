// Lay out a document: small flows on the main thread, big ones in a Web Worker.
import { outputsOf } from "./blocks";
import { autoLayout, unpack } from "./autoLayout";
import type { LayoutInput, Positions } from "./dagreLayout";
import { pack } from "./layeredLayout";
import { targetOf } from "./doc";
import type { FlowDocument } from "./types";

export const NODE_WIDTH = 250;
// Above this many steps the layout runs in the worker (dagre takes up to a second or two there).
export const WORKER_THRESHOLD = 150;

export type Sizes = Map<string, { width: number; height: number }>;

// Used before the browser has measured a node (and for nodes never drawn: they are off screen).
export const ESTIMATED_HEIGHT = 110;

export function layoutInput(doc: FlowDocument, sizes: Sizes): LayoutInput {
  const byId = new Map(doc.steps.map((s) => [s.id, s]));
  const order: string[] = [];
  const seen = new Set<string>();
  const edges: LayoutInput["edges"] = [];
  // Breadth-first from the start so dagre's first ordering follows the flow, then any leftovers.
  const queue = doc.steps.length ? [doc.steps[0].id] : [];
  const visit = (id: string) => {
    if (seen.has(id) || !byId.has(id)) return;
    seen.add(id);
    queue.push(id);
  };
  if (queue.length) seen.add(queue[0]);
  let cursor = 0;
  const drain = () => {
    while (cursor < queue.length) {
      const id = queue[cursor++];
      order.push(id);
      const step = byId.get(id)!;
      for (const out of outputsOf(step, doc.layout[id])) {
        const target = targetOf(step, out.key);
        if (target !== null && byId.has(target)) {
          edges.push({ source: id, target });
          visit(target);
        }
      }
    }
  };
  drain();
  for (const step of doc.steps) {
    if (!seen.has(step.id)) {
      seen.add(step.id);
      queue.push(step.id);
      drain();
    }
  }
  const nodes = order.map((id) => {
    const size = sizes.get(id);
    return { id, width: size?.width ?? NODE_WIDTH, height: size?.height ?? ESTIMATED_HEIGHT };
  });
  return { nodes, edges };
}

let worker: Worker | null = null;
let nextJob = 1;
const jobs = new Map<number, { resolve: (corners: Float64Array) => void; reject: (e: Error) => void }>();

function layoutWorker(url: string): Worker | null {
  if (worker) return worker;
  try {
    worker = new Worker(url);
  } catch {
    return null;
  }
  worker.onmessage = (event: MessageEvent<{ id: number; corners?: Float64Array; error?: string }>) => {
    const job = jobs.get(event.data.id);
    if (!job) return;
    jobs.delete(event.data.id);
    if (event.data.corners) job.resolve(event.data.corners);
    else job.reject(new Error(event.data.error ?? "layout failed"));
  };
  return worker;
}

export function layoutDocument(doc: FlowDocument, sizes: Sizes, workerUrl: string): Promise<Positions> {
  // The worker first: its script loads while the input is gathered.
  const w = doc.steps.length > WORKER_THRESHOLD ? layoutWorker(workerUrl) : null;
  const input = layoutInput(doc, sizes);
  const packed = pack(input);
  const { ids } = packed;
  if (!w) return Promise.resolve().then(() => unpack(ids, autoLayout(packed)));
  const id = nextJob++;
  return new Promise<Float64Array>((resolve, reject) => {
    jobs.set(id, { resolve, reject });
    w.postMessage({ id, input: packed }, [packed.widths.buffer, packed.heights.buffer, packed.edges.buffer]);
  }).then((corners) => unpack(ids, corners));
}
