// What the canvas looks at, and which steps it hands to React Flow.
//
// React Flow draws every node once to measure it, even with onlyRenderVisibleElements, so a
// 1,000-step flow would build 1,000 nodes before the first useful frame. Big flows are therefore
// windowed here: React Flow only gets the steps in and around the view (plus the selection and the
// ends of any connection crossing it); more come in as the view moves. The overview map and
// "fit" work from the whole document, not from React Flow's nodes.
import type { Viewport } from "@xyflow/react";
import { forEachLink } from "./doc";
import { ESTIMATED_HEIGHT, NODE_WIDTH } from "./layout";
import type { FlowDocument } from "./types";

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type Sizes = Map<string, { width: number; height: number }>;

/** Above this many steps React Flow gets a window of the flow, not all of it. */
export const WINDOW_THRESHOLD = 200;
/** Big flows open at a working zoom on the start, not zoomed out to fit everything. */
export const BIG_FLOW = 50;
/**
 * The least zoom a flow opens at: the smallest text on a step (0.85rem, editor.css) is then at least
 * 12 px on screen and a connection dot (16 px) at least a 12 px target. A flow that does not fit at
 * this zoom opens on its start instead of zoomed out to fit.
 */
export const READABLE_ZOOM = 0.9;
const WORKING_ZOOM = READABLE_ZOOM;

function sizeOf(sizes: Sizes, id: string) {
  return sizes.get(id) ?? { width: NODE_WIDTH, height: ESTIMATED_HEIGHT };
}

/** The part of the flow (in flow coordinates) that a viewport shows on a canvas of this size. */
export function viewRect(vp: Viewport, width: number, height: number): Rect {
  return { x: -vp.x / vp.zoom, y: -vp.y / vp.zoom, width: width / vp.zoom, height: height / vp.zoom };
}

export function grow(r: Rect, factor: number): Rect {
  const dx = r.width * factor;
  const dy = r.height * factor;
  return { x: r.x - dx, y: r.y - dy, width: r.width + 2 * dx, height: r.height + 2 * dy };
}

export function contains(outer: Rect, inner: Rect): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
}

/** Whether the box at (x, y) of this size overlaps `r` (numbers, not a Rect: no object per step). */
function overlaps(x: number, y: number, width: number, height: number, r: Rect): boolean {
  return x < r.x + r.width && x + width > r.x && y < r.y + r.height && y + height > r.y;
}

/** The steps React Flow should hold for this window, or null for "all of them" (small flows). */
export function windowedIds(doc: FlowDocument, sizes: Sizes, win: Rect | null, keep: Set<string>): Set<string> | null {
  if (!win || doc.steps.length <= WINDOW_THRESHOLD) return null;
  const ids = new Set<string>(keep);
  // No object per step or per connection: this runs on every opening and whenever the view leaves
  // its window, over the whole flow (50,000 steps in bench/editor.py).
  // A step with no place yet is left out: in a big flow that is one waiting for its first layout
  // (layout.ts), and handing all of them to React Flow at once is what this window avoids.
  for (const step of doc.steps) {
    const place = doc.layout[step.id];
    if (!place) continue;
    const size = sizes.get(step.id);
    if (overlaps(place.x, place.y, size ? size.width : NODE_WIDTH, size ? size.height : ESTIMATED_HEIGHT, win)) ids.add(step.id);
  }
  // A connection that crosses the window needs both of its steps, wherever they are.
  forEachLink(doc, (source, _key, target) => {
    if (ids.has(source) && ids.has(target)) return;
    const a = doc.layout[source];
    const b = doc.layout[target];
    if (!a || !b) return;
    const width = Math.abs(a.x - b.x) + NODE_WIDTH;
    const height = Math.abs(a.y - b.y) + ESTIMATED_HEIGHT;
    if (overlaps(Math.min(a.x, b.x), Math.min(a.y, b.y), width, height, win)) {
      ids.add(source);
      ids.add(target);
    }
  });
  return ids;
}

export function boundsOf(doc: FlowDocument, sizes: Sizes): Rect | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const step of doc.steps) {
    const place = doc.layout[step.id];
    if (!place) continue;
    const size = sizeOf(sizes, step.id);
    minX = Math.min(minX, place.x);
    minY = Math.min(minY, place.y);
    maxX = Math.max(maxX, place.x + size.width);
    maxY = Math.max(maxY, place.y + size.height);
  }
  return minX === Infinity ? null : { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

/** Screen room (px) kept between a fitted flow and the canvas's edges: the start's badge sits above the start step. */
const MARGIN = 40;
/** Screen room (px) kept between a fitted flow and what floats over the canvas. */
const GAP = 16;

export interface Insets {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/**
 * The ways of keeping a flow clear of everything floating over the canvas (`covers`, screen boxes
 * relative to the canvas's top-left corner): beside each cover on one of its four sides. Each way is
 * the room to keep on each side of the canvas. A handful of covers, so at most a few hundred ways.
 */
function clearings(width: number, height: number, covers: Rect[]): Insets[] {
  let ways: Insets[] = [{ top: MARGIN, right: MARGIN, bottom: MARGIN, left: MARGIN }];
  for (const c of covers) {
    const next: Insets[] = [];
    for (const w of ways) {
      next.push(
        { ...w, top: Math.max(w.top, c.y + c.height + GAP) },
        { ...w, bottom: Math.max(w.bottom, height - c.y + GAP) },
        { ...w, left: Math.max(w.left, c.x + c.width + GAP) },
        { ...w, right: Math.max(w.right, width - c.x + GAP) },
      );
    }
    ways = next;
  }
  return ways;
}

/**
 * The viewport that shows all of `bounds` on a canvas of this size (never zoomed in past 1), clear of
 * the covers (the overview map, the zoom buttons...): of the ways to keep clear of them, the one that
 * shows the flow biggest, then the one that leaves the most room around it.
 */
export function fitRect(bounds: Rect, width: number, height: number, covers: Rect[] = []): Viewport {
  let best: { zoom: number; area: number; free: Insets } | null = null;
  for (const free of clearings(width, height, covers.filter((c) => c.width > 0 && c.height > 0))) {
    const w = width - free.left - free.right;
    const h = height - free.top - free.bottom;
    if (w <= 0 || h <= 0) continue;
    const zoom = Math.max(0.1, Math.min(1, w / bounds.width, h / bounds.height));
    const area = w * h;
    if (!best || zoom > best.zoom + 1e-6 || (zoom > best.zoom - 1e-6 && area > best.area)) best = { zoom, area, free };
  }
  // A canvas too small to keep clear of anything: the whole of it.
  const free = best?.free ?? { top: 0, right: 0, bottom: 0, left: 0 };
  const zoom = best?.zoom ?? Math.max(0.1, Math.min(1, width / bounds.width, height / bounds.height));
  return {
    x: free.left + (width - free.left - free.right) / 2 - (bounds.x + bounds.width / 2) * zoom,
    y: free.top + (height - free.top - free.bottom) / 2 - (bounds.y + bounds.height / 2) * zoom,
    zoom,
  };
}

/** The start step at the top middle of the canvas, at this zoom. */
function onStart(doc: FlowDocument, bounds: Rect, width: number, zoom: number): Viewport {
  const start = doc.layout[doc.steps[0].id] ?? { x: bounds.x, y: bounds.y };
  return { x: width / 2 - (start.x + NODE_WIDTH / 2) * zoom, y: 50 - start.y * zoom, zoom };
}

/** The whole flow, clear of the covers, when it fits so at a readable zoom; else its start at that zoom. */
export function readableViewport(doc: FlowDocument, sizes: Sizes, width: number, height: number, covers: Rect[]): Viewport | null {
  const bounds = boundsOf(doc, sizes);
  if (!bounds) return null;
  const fit = fitRect(bounds, width, height, covers);
  return fit.zoom >= READABLE_ZOOM ? fit : onStart(doc, bounds, width, READABLE_ZOOM);
}

/** Where the canvas looks when the page opens. */
export function initialViewport(doc: FlowDocument, width: number, height: number): Viewport {
  const bounds = boundsOf(doc, new Map());
  if (!bounds) return { x: width / 2 - NODE_WIDTH / 2, y: 80, zoom: 1 };
  if (doc.steps.length > BIG_FLOW) return onStart(doc, bounds, width, WORKING_ZOOM);
  const covers = expectedCovers(width, height);
  return readableViewport(doc, new Map(), width, height, covers) ?? fitRect(bounds, width, height, covers);
}

/** The canvas size before it is on screen: the window minus the panels around it. */
export function expectedCanvasSize(): { width: number; height: number } {
  return { width: Math.max(320, window.innerWidth - 220 - 340), height: Math.max(240, window.innerHeight - 56 - 52 - 44) };
}

/** What floats over the canvas (Canvas.tsx, Simulator.tsx): a fitted flow keeps clear of it. */
export const FLOATING = ".fs-overview, .react-flow__controls, .fs-sim-toggle";
/** The overview map's drawing (Overview.tsx), and the margin React Flow gives a panel. */
export const OVERVIEW_SIZE = { width: 200, height: 140 };
const PANEL_MARGIN = 15;

/**
 * Where the floating controls will be before the canvas is on screen (they are measured once it is):
 * the overview map at the bottom right, its border included, and the zoom buttons at the bottom left.
 */
function expectedCovers(width: number, height: number): Rect[] {
  const map = { width: OVERVIEW_SIZE.width + 2, height: OVERVIEW_SIZE.height + 2 };
  const buttons = { width: 27, height: 82 };
  return [
    { x: width - PANEL_MARGIN - map.width, y: height - PANEL_MARGIN - map.height, ...map },
    { x: PANEL_MARGIN, y: height - PANEL_MARGIN - buttons.height, ...buttons },
  ];
}
