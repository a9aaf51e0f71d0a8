// Compare mode: two sides of a flow (a version and the draft, or two versions) on one canvas.
// Added steps and connections are green with "+ Added", removed ones ghosted and dashed with
// "− Removed", changed ones amber with "✎ Changed" (words and icons, not colour alone). Beside the
// canvas: the list of changes (each zooms to its step) and the chosen step's fields side by side.
import { Background, BackgroundVariant, Controls, Handle, Position, ReactFlow, ReactFlowProvider, useReactFlow, type NodeProps } from "@xyflow/react";
import { memo, useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Api } from "./api";
import { blockFor, outputsOf, summaryOf } from "./blocks";
import { buildCompareGraph, fieldName, valueText, type ChangeItem, type CompareNodeType, type FlowDiff } from "./compareGraph";
import { normalise } from "./normalise";
import type { FlowDocument } from "./types";
import { BIG_FLOW, contains, grow, READABLE_ZOOM, viewRect, type Rect } from "./viewport";

export type Side = number | "draft";

// Above this many steps, React Flow gets only the steps in and around the view, as in the editor
// (viewport.ts). The view opens on the whole comparison when it fits at a readable zoom, as the
// editor opens a flow; otherwise (any big one) at that zoom on the first change.
const BIG_COMPARE = BIG_FLOW;
const FIT_PADDING = 0.15;

function overlaps(a: Rect, x: number, y: number): boolean {
  return x + 250 > a.x && x < a.x + a.width && y + 160 > a.y && y < a.y + a.height;
}

/** The zoom at which fitView shows every step (a step taken as 250 × 160, as in `overlaps`). */
function fitZoom(nodes: { position: { x: number; y: number } }[], width: number, height: number): number {
  if (nodes.length === 0) return Infinity;
  const xs = nodes.map((n) => n.position.x);
  const ys = nodes.map((n) => n.position.y);
  const w = Math.max(...xs) + 250 - Math.min(...xs);
  const h = Math.max(...ys) + 160 - Math.min(...ys);
  return Math.min(width / (w * (1 + FIT_PADDING)), height / (h * (1 + FIT_PADDING)));
}

const BADGES = {
  added: { icon: "+", word: "Added" },
  removed: { icon: "−", word: "Removed" },
  changed: { icon: "✎", word: "Changed" },
  renamed: { icon: "↻", word: "Renamed" },
  same: { icon: "", word: "" },
} as const;

function CompareNodeView({ id, data, selected }: NodeProps<CompareNodeType>) {
  const { step, label, kind, was, isStart } = data;
  const block = blockFor(step);
  const badge = BADGES[kind];
  return (
    <div
      className={`fs-node fs-node--${block ? step.type : "unknown"} fs-cmp fs-cmp--${kind}${selected ? " is-selected" : ""}`}
      data-testid="compare-node" data-step-id={id} data-change={kind}
    >
      <Handle type="target" position={Position.Top} className="fs-handle fs-handle--in" isConnectable={false} />
      {kind !== "same" && (
        <div className={`fs-cmp-badge fs-cmp-badge--${kind}`}>
          <span aria-hidden="true">{badge.icon}</span> {badge.word}
        </div>
      )}
      {isStart && <div className="fs-node-start">▶ Start</div>}
      <div className="fs-node-head">
        <span className="fs-node-icon" aria-hidden="true">{block?.icon ?? "?"}</span>
        <span className="fs-node-title">{label || block?.title || "Unknown block"}</span>
        <span className="fs-node-id">{step.id}</span>
      </div>
      {/* Under the head, not in the badge: a badge that long would cover the incoming connection. */}
      {was !== null && <div className="fs-cmp-was">Was step {was}</div>}
      <div className="fs-node-body">
        {summaryOf(step).lines.filter(Boolean).map((line, i) => <div key={i} className="fs-node-line">{line}</div>)}
      </div>
      <div className="fs-node-ports">
        {outputsOf(step).map((out) => (
          <div className="fs-port" key={out.key} title={out.title}>
            <span className="fs-port-label">{out.label}</span>
            <Handle type="source" position={Position.Bottom} id={out.key} className="fs-handle fs-handle--out" isConnectable={false} />
          </div>
        ))}
      </div>
    </div>
  );
}

const CompareNode = memo(CompareNodeView);
const compareNodeTypes = { compare: CompareNode }; // defined once (React Flow re-mounts nodes otherwise)

function sideName(side: Side): string {
  return side === "draft" ? "the draft" : `version ${side}`;
}

function itemText(item: ChangeItem): string {
  const name = item.after ?? item.before;
  const title = name ? blockFor(name)?.title ?? name.type : "Step";
  const n = item.fields.length + item.labelFields.length;
  if (item.kind === "added") return `Step ${item.stepId} (${title}) added`;
  if (item.kind === "removed") return `Step ${item.stepId} (${title}) removed`;
  if (item.kind === "renamed") return `Step ${item.stepId} (${title}) renamed`;
  return `Step ${item.stepId} (${title}): ${n} change${n === 1 ? "" : "s"}`;
}

function Details({ item, from, to }: { item: ChangeItem; from: Side; to: Side }) {
  const rows = [...item.fields, ...item.labelFields];
  return (
    <div data-testid="compare-details">
      <h3 className="h6">{itemText(item)}</h3>
      {item.kind === "added" || item.kind === "removed" ? (
        <p className="small text-muted">
          {item.kind === "added" ? `Only in ${sideName(to)}.` : `Only in ${sideName(from)}; ${sideName(to)} no longer has it.`}
        </p>
      ) : (
        <table className="table table-sm small fs-cmp-table">
          <thead>
            <tr><th scope="col">What</th><th scope="col">{sideName(from)}</th><th scope="col">{sideName(to)}</th></tr>
          </thead>
          <tbody>
            {rows.map((change, i) => (
              <tr key={i}>
                <th scope="row">{change.field === "id" ? "step id" : fieldName(change)}</th>
                <td className="fs-cmp-old">{valueText(change, "old")}</td>
                <td className="fs-cmp-new">{valueText(change, "new")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

interface Props {
  api: Api;
  from: Side;
  to: Side;
  /** The saved draft as the editor holds it (null: read it from the server). */
  draft: FlowDocument | null;
  onClose: () => void;
}

function load(api: Api, side: Side, draft: FlowDocument | null): Promise<FlowDocument> {
  if (side === "draft" && draft) return Promise.resolve(draft);
  const read = side === "draft" ? api.get() : api.version(side);
  return read.then((f) => {
    const result = normalise(f.document);
    if ("error" in result) throw new Error(result.error);
    return result.doc;
  });
}

function CompareView({ api, from, to, draft, onClose }: Props) {
  const [state, setState] = useState<{ diff: FlowDiff; before: FlowDocument; after: FlowDocument } | null>(null);
  const [error, setError] = useState("");
  const [chosen, setChosen] = useState<string | null>(null);
  const flow = useReactFlow();
  useEffect(() => {
    const saved = draft; // read once: later edits of the draft do not reload the comparison
    Promise.all([api.diff(from, to), load(api, from, saved), load(api, to, saved)])
      .then(([diff, before, after]) => setState({ diff, before, after }))
      .catch((err: Error) => setError(err.message));
  }, [api, from, to]);
  const graph = useMemo(() => (state ? buildCompareGraph(state.before, state.after, state.diff) : null), [state]);
  const big = (graph?.nodes.length ?? 0) > BIG_COMPARE;
  const box = useRef<HTMLDivElement>(null);
  const [win, setWin] = useState<Rect | null>(null);
  const onMove = useCallback((_: unknown, vp: { x: number; y: number; zoom: number }) => {
    const size = box.current?.getBoundingClientRect();
    if (!size) return;
    const view = viewRect(vp, size.width, size.height);
    setWin((w) => (w && contains(w, grow(view, 0.25)) ? w : grow(view, 1)));
  }, []);
  const nodes = useMemo(() => {
    if (!graph || (big && !win)) return [];
    const shown = big && win ? graph.nodes.filter((n) => n.id === chosen || overlaps(win, n.position.x, n.position.y)) : graph.nodes;
    return shown.map((n) => (n.id === chosen ? { ...n, selected: true } : n));
  }, [graph, chosen, big, win]);
  const edges = useMemo(() => {
    if (!graph || !big) return graph?.edges ?? [];
    const ids = new Set(nodes.map((n) => n.id));
    return graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  }, [graph, big, nodes]);
  const zoomTo = useCallback((id: string) => {
    setChosen(id);
    const node = graph?.nodes.find((n) => n.id === id);
    if (node) void flow.setCenter(node.position.x + 125, node.position.y + 60, { zoom: 1.1, duration: 250 });
  }, [graph, flow]);
  const item = graph?.items.find((i) => i.nodeId === chosen) ?? null;
  const ready = graph !== null;
  const first = graph?.items[0]?.nodeId ?? graph?.nodes[0]?.id ?? null;
  useEffect(() => {
    if (!graph) return;
    const size = box.current?.getBoundingClientRect();
    const node = graph.nodes.find((n) => n.id === first);
    if (node && size && (big || fitZoom(graph.nodes, size.width, size.height) < READABLE_ZOOM)) {
      const vp = {
        x: size.width / 2 - (node.position.x + 125) * READABLE_ZOOM,
        y: size.height / 2 - (node.position.y + 60) * READABLE_ZOOM,
        zoom: READABLE_ZOOM,
      };
      void flow.setViewport(vp);
      setWin(grow(viewRect(vp, size.width, size.height), 1));
    } else {
      requestAnimationFrame(() => void flow.fitView({ padding: FIT_PADDING }));
    }
    // bench/diff.py reads when the comparison was first painted.
    requestAnimationFrame(() => requestAnimationFrame(() => ((window as unknown as { __flowCompare?: object }).__flowCompare = { readyAt: performance.now() })));
  }, [graph, big, first, flow]);

  return (
    <div className="fs-compare" data-testid="compare" data-ready={ready ? "true" : "false"}>
      <div className="fs-compare-bar">
        <strong>Comparing {sideName(from)} with {sideName(to)}</strong>
        {state && <span className="text-muted small" data-testid="compare-summary">{state.diff.summary_line}</span>}
        <span className="fs-cmp-legend small" aria-label="Legend">
          <span className="fs-cmp-badge fs-cmp-badge--added">+ Added</span>
          <span className="fs-cmp-badge fs-cmp-badge--removed">− Removed</span>
          <span className="fs-cmp-badge fs-cmp-badge--changed">✎ Changed</span>
          <span className="fs-cmp-badge fs-cmp-badge--renamed">↻ Renamed</span>
        </span>
        <button type="button" className="btn btn-sm btn-primary ms-auto" onClick={onClose}>Back to editing</button>
      </div>
      {error && <div className="alert alert-danger m-2">{error}</div>}
      <div className="fs-compare-body">
        <nav className="fs-compare-list" aria-label="Changes">
          <h2 className="h6">Changes</h2>
          {graph && graph.items.length === 0 && <p className="small text-muted">No step changed.</p>}
          <ul className="list-unstyled mb-0">
            {graph?.items.map((i) => (
              <li key={i.nodeId}>
                <button type="button" className={`fs-cmp-item fs-cmp-item--${i.kind}${i.nodeId === chosen ? " is-active" : ""}`}
                  data-testid="compare-item" data-change={i.kind} onClick={() => zoomTo(i.nodeId)}>
                  <span aria-hidden="true">{BADGES[i.kind].icon}</span> {itemText(i)}
                </button>
              </li>
            ))}
          </ul>
          {state && state.diff.settings.length > 0 && <p className="small mt-2">Settings changed: {state.diff.settings.map((c) => c.field).join(", ")}.</p>}
          {state?.diff.start && state.diff.start.old !== null && state.diff.start.new !== null && (
            <p className="small mt-2">The call now starts at step {state.diff.start.new} (was step {state.diff.start.old}).</p>
          )}
        </nav>
        <div className="fs-compare-canvas" ref={box}>
          <ReactFlow
            nodes={nodes} edges={edges} nodeTypes={compareNodeTypes} onMove={onMove}
            nodesDraggable={false} nodesConnectable={false} edgesFocusable={false} elementsSelectable
            onNodeClick={(_, node) => setChosen(node.id)} onPaneClick={() => setChosen(null)}
            minZoom={0.05} proOptions={{ hideAttribution: true }}
          >
            <Background variant={BackgroundVariant.Dots} gap={20} size={1} />
            <Controls showInteractive={false} />
          </ReactFlow>
        </div>
        <aside className="fs-compare-details" aria-label="What changed in this step">
          {item ? <Details item={item} from={from} to={to} /> : <p className="small text-muted">Click a marked step to see what changed, side by side.</p>}
        </aside>
      </div>
    </div>
  );
}

/** Its own React Flow provider: the editor's canvas keeps its viewport while this one is open. */
export function Compare(props: Props) {
  return (
    <ReactFlowProvider>
      <CompareView {...props} />
    </ReactFlowProvider>
  );
}
