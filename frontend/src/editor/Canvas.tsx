// The React Flow canvas, controlled by the draft: every change goes through the store.
import {
  Background,
  BackgroundVariant,
  ControlButton,
  Controls,
  ReactFlow,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type NodeChange,
  type Viewport,
} from "@xyflow/react";
import { useCallback, useMemo, useRef, type DragEvent, type ReactNode } from "react";
import { connect, moveSteps } from "./doc";
import { parseEdgeId, type GraphCache, type Measured, type StepNodeType } from "./graph";
import { Overview } from "./Overview";
import { nodeTypes } from "./StepNode";
import type { DraftStore } from "./store";
import type { Diagnostic, FlowDocument } from "./types";

export const BLOCK_MIME = "application/x-flowstudio-block";

export interface Selection {
  nodes: Set<string>;
  edges: Set<string>;
}

interface Props {
  doc: FlowDocument;
  store: DraftStore;
  cache: GraphCache;
  problems: Map<string, Diagnostic[]>;
  selection: Selection;
  setSelection: (fn: (s: Selection) => Selection) => void;
  measured: Measured;
  onMeasured: (changes: Map<string, { width: number; height: number }>) => void;
  readOnly: boolean;
  defaultViewport: Viewport;
  onAddBlock: (type: string, at: { x: number; y: number }) => void;
  onInit: () => void;
  /** Big flows: the steps React Flow holds (viewport.ts); null for all of them. */
  only: Set<string> | null;
  onMove: (viewport: Viewport) => void;
  onFit: () => void;
  /** Overlays drawn over the canvas (notices). */
  children?: ReactNode;
}

export function Canvas(props: Props) {
  const { doc, store, cache, problems, selection, setSelection, measured, onMeasured, readOnly } = props;
  const flow = useReactFlow();
  const wrapper = useRef<HTMLDivElement>(null);

  const nodes = useMemo(
    () => cache.nodes(doc, problems, selection.nodes, measured, !readOnly, props.only),
    [cache, doc, problems, selection.nodes, measured, readOnly, props.only],
  );
  const edges = useMemo(() => cache.edges(doc, selection.edges, props.only), [cache, doc, selection.edges, props.only]);
  const { onMove } = props;
  const moved = useCallback((_: unknown, viewport: Viewport) => onMove(viewport), [onMove]);

  const onNodesChange = useCallback(
    (changes: NodeChange<StepNodeType>[]) => {
      const positions = new Map<string, { x: number; y: number }>();
      const sizes = new Map<string, { width: number; height: number }>();
      let select: Map<string, boolean> | null = null;
      for (const change of changes) {
        if (change.type === "position" && change.position) positions.set(change.id, change.position);
        else if (change.type === "dimensions" && change.dimensions) sizes.set(change.id, change.dimensions);
        else if (change.type === "select") (select ??= new Map()).set(change.id, change.selected);
      }
      if (positions.size && !readOnly) store.updateDoc((d) => moveSteps(d, positions), { history: false });
      if (sizes.size) onMeasured(sizes);
      if (select) {
        const chosen = select;
        setSelection((s) => {
          const next = new Set(s.nodes);
          chosen.forEach((on, id) => (on ? next.add(id) : next.delete(id)));
          return { ...s, nodes: next };
        });
      }
    },
    [store, onMeasured, setSelection, readOnly],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const select = changes.filter((c) => c.type === "select");
      if (!select.length) return;
      setSelection((s) => {
        const next = new Set(s.edges);
        select.forEach((c) => (c.type === "select" && c.selected ? next.add(c.id) : next.delete(c.id)));
        return { ...s, edges: next };
      });
    },
    [setSelection],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      if (readOnly || !c.source || !c.target) return;
      store.updateDoc((d) => connect(d, c.source, c.sourceHandle ?? "next", c.target));
    },
    [store, readOnly],
  );

  const onReconnect = useCallback(
    (old: Edge, c: Connection) => {
      if (readOnly || !c.target) return;
      const { source, key } = parseEdgeId(old.id);
      store.updateDoc((d) => {
        const cleared = connect(d, source, key, null);
        return connect(cleared, c.source, c.sourceHandle ?? "next", c.target);
      });
    },
    [store, readOnly],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    if (event.dataTransfer.types.includes(BLOCK_MIME)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
    }
  }, []);

  const { onAddBlock } = props;
  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(BLOCK_MIME);
      if (!type || readOnly) return;
      event.preventDefault();
      const at = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      onAddBlock(type, { x: at.x - 125, y: at.y - 30 });
    },
    [flow, onAddBlock, readOnly],
  );

  const beginGesture = useCallback(() => store.beginGesture(), [store]);
  const endGesture = useCallback(() => store.endGesture(), [store]);
  const clearSelection = useCallback(
    () => setSelection((s) => (s.nodes.size || s.edges.size ? { nodes: new Set(), edges: new Set() } : s)),
    [setSelection],
  );

  return (
    <div className="fs-canvas" ref={wrapper} onDragOver={onDragOver} onDrop={onDrop} data-testid="canvas">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onReconnect={onReconnect}
        onNodeDragStart={beginGesture}
        onNodeDragStop={endGesture}
        onSelectionDragStart={beginGesture}
        onSelectionDragStop={endGesture}
        onPaneClick={clearSelection}
        onInit={props.onInit}
        onMove={moved}
        defaultViewport={props.defaultViewport}
        minZoom={0.1}
        maxZoom={2}
        onlyRenderVisibleElements
        nodesConnectable={!readOnly}
        nodesDraggable={!readOnly}
        edgesReconnectable={!readOnly}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={["Meta", "Control", "Shift"]}
        connectionRadius={28}
        proOptions={{ hideAttribution: true }}
        aria-label="Flow canvas"
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="var(--fs-line-strong)" />
        <Overview doc={doc} sizes={measured} problems={problems} />
        <Controls showInteractive={false} showFitView={false} position="bottom-left" aria-label="Zoom and fit">
          <ControlButton onClick={props.onFit} title="Fit the whole flow" aria-label="Fit the whole flow" className="fs-fit">
            <svg viewBox="0 0 16 16" aria-hidden="true">
              <path d="M1 5V1h4M11 1h4v4M15 11v4h-4M5 15H1v-4" fill="none" stroke="currentColor" strokeWidth="1.8" />
            </svg>
          </ControlButton>
        </Controls>
      </ReactFlow>
      {props.children}
    </div>
  );
}
