// The overview map (minimap) of the whole flow. React Flow's own minimap only knows the nodes
// it holds, and big flows are windowed (viewport.ts), so this one draws from the document:
// one SVG path per colour, however many steps there are. Click or drag in it to move the view.
import { Panel, useReactFlow, useStore } from "@xyflow/react";
import { memo, useMemo, useRef, type PointerEvent } from "react";
import { boundsOf, OVERVIEW_SIZE, viewRect, type Rect, type Sizes } from "./viewport";
import { ESTIMATED_HEIGHT, NODE_WIDTH } from "./layout";
import type { Diagnostic, FlowDocument } from "./types";

// The design tokens of static/tokens.css (a CSS fill, since an SVG fill attribute reads no variables).
const COLORS: Record<string, string> = {
  call: "var(--fs-call)",
  play: "var(--fs-play)",
  digits: "var(--fs-digits)",
  http: "var(--fs-http)",
  connect: "var(--fs-connect)",
  error: "var(--fs-error)",
  other: "var(--fs-faint)",
};
const { width: WIDTH, height: HEIGHT } = OVERVIEW_SIZE;

/** Cells per map pixel: a step is drawn to within half a pixel of the map. */
const CELLS_PER_PIXEL = 2;

/**
 * The steps as one path per colour, in whole cells of a grid laid over the flow's bounds (the group's
 * transform puts them back in flow coordinates). On the map a cell is half a pixel, so the drawing
 * looks the same as one rectangle per step; but the steps that fall on the same cells are drawn once:
 * a 50,000-step flow is a few thousand rectangles, not 50,000 (bench/editor.py: building and painting
 * one per step took about 90 ms of the opening).
 */
function overviewPaths(doc: FlowDocument, sizes: Sizes, problems: Map<string, Diagnostic[]>, bounds: Rect | null) {
  if (!bounds) return null;
  const cell = Math.max(bounds.width / WIDTH, bounds.height / HEIGHT, 1e-6) / CELLS_PER_PIXEL;
  const byColor = new Map<string, { seen: Set<number>; parts: string[] }>();
  for (const step of doc.steps) {
    const place = doc.layout[step.id];
    if (!place) continue;
    const size = sizes.get(step.id);
    const left = Math.floor((place.x - bounds.x) / cell);
    const top = Math.floor((place.y - bounds.y) / cell);
    const width = Math.max(1, Math.round((size ? size.width : NODE_WIDTH) / cell));
    const height = Math.max(1, Math.round((size ? size.height : ESTIMATED_HEIGHT) / cell));
    const bad = problems.get(step.id)?.some((p) => p.severity === "error");
    const color = bad ? COLORS.error : COLORS[step.type] ?? COLORS.other;
    let group = byColor.get(color);
    if (!group) {
      group = { seen: new Set(), parts: [] };
      byColor.set(color, group);
    }
    // Within the bounds every figure is at most CELLS_PER_PIXEL * 200 (< 2^10): one number says all four.
    const key = ((left * 1024 + top) * 1024 + width) * 1024 + height;
    if (group.seen.has(key)) continue;
    group.seen.add(key);
    group.parts.push(`M${left} ${top}h${width}v${height}h${-width}z`);
  }
  const paths = [...byColor].map(([color, group]) => ({ color, d: group.parts.join("") }));
  return { x: bounds.x, y: bounds.y, cell, paths };
}

interface Props {
  doc: FlowDocument;
  sizes: Sizes;
  problems: Map<string, Diagnostic[]>;
}

function OverviewMap({ doc, sizes, problems }: Props) {
  const rf = useReactFlow();
  const [tx, ty, zoom] = useStore((s) => s.transform);
  const paneWidth = useStore((s) => s.width);
  const paneHeight = useStore((s) => s.height);
  const svg = useRef<SVGSVGElement>(null);

  const bounds = useMemo(() => boundsOf(doc, sizes), [doc, sizes]);
  const drawing = useMemo(() => overviewPaths(doc, sizes, problems, bounds), [doc, sizes, problems, bounds]);

  const view = viewRect({ x: tx, y: ty, zoom }, paneWidth, paneHeight);
  const box = bounds
    ? {
        x: Math.min(bounds.x, view.x),
        y: Math.min(bounds.y, view.y),
        width: Math.max(bounds.x + bounds.width, view.x + view.width) - Math.min(bounds.x, view.x),
        height: Math.max(bounds.y + bounds.height, view.y + view.height) - Math.min(bounds.y, view.y),
      }
    : view;
  const pad = Math.max(box.width, box.height) * 0.05;
  const vb = { x: box.x - pad, y: box.y - pad, width: box.width + 2 * pad, height: box.height + 2 * pad };

  const moveTo = (event: PointerEvent<SVGSVGElement>) => {
    const matrix = svg.current?.getScreenCTM();
    if (!matrix) return;
    const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
    rf.setCenter(point.x, point.y, { zoom: rf.getZoom() });
  };

  return (
    <Panel position="bottom-right" className="fs-overview">
      <svg
        ref={svg}
        width={WIDTH}
        height={HEIGHT}
        viewBox={`${vb.x} ${vb.y} ${vb.width} ${vb.height}`}
        role="img"
        aria-label="Overview of the flow: click to move there"
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          moveTo(e);
        }}
        onPointerMove={(e) => e.buttons === 1 && moveTo(e)}
      >
        {drawing && (
          <g transform={`translate(${drawing.x} ${drawing.y}) scale(${drawing.cell})`}>
            {drawing.paths.map((p) => (
              <path key={p.color} d={p.d} style={{ fill: p.color }} />
            ))}
          </g>
        )}
        <path
          className="fs-overview-mask"
          fillRule="evenodd"
          d={`M${vb.x} ${vb.y}h${vb.width}v${vb.height}h${-vb.width}z M${view.x} ${view.y}h${view.width}v${view.height}h${-view.width}z`}
        />
        <rect className="fs-overview-view" x={view.x} y={view.y} width={view.width} height={view.height} vectorEffect="non-scaling-stroke" />
      </svg>
    </Panel>
  );
}

export const Overview = memo(OverviewMap);
