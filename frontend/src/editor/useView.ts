// What the canvas looks at: the viewport, the window of steps React Flow holds (viewport.ts), the
// measured step sizes, and the ways the view moves (open readable, fit all, bring a spot into view).
import { useReactFlow, type Viewport } from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Measured } from "./graph";
import { ESTIMATED_HEIGHT, NODE_WIDTH } from "./layout";
import type { DraftStore } from "./store";
import type { FlowDocument } from "./types";
import {
  boundsOf, contains, expectedCanvasSize, fitRect, FLOATING, grow, initialViewport, readableViewport, viewRect, windowedIds, type Insets, type Rect,
} from "./viewport";

/** The canvas element's box on screen, or null before it is drawn. */
export function canvasBox(): DOMRect | null {
  const box = document.querySelector(".fs-canvas")?.getBoundingClientRect();
  return box && box.width > 0 ? box : null;
}

/** The screen boxes, relative to the canvas, of the controls floating over it (hidden ones left out). */
function floatingBoxes(canvas: DOMRect | null): Rect[] {
  if (!canvas) return [];
  return [...document.querySelectorAll<HTMLElement>(FLOATING)]
    .map((el) => el.getBoundingClientRect())
    .filter((box) => box.width > 0 && box.height > 0)
    .map((box) => ({ x: box.left - canvas.left, y: box.top - canvas.top, width: box.width, height: box.height }));
}

export function useView({ store, doc, keep, checking }: { store: DraftStore; doc: FlowDocument; keep: Set<string>; checking: boolean }) {
  const rf = useReactFlow();
  const [measured, setMeasured] = useState<Measured>(() => new Map());

  const onMeasured = useCallback((sizes: Map<string, { width: number; height: number }>) => {
    setMeasured((old) => {
      let changed = false;
      const next = new Map(old);
      sizes.forEach((size, id) => {
        const prev = old.get(id);
        if (!prev || prev.width !== size.width || prev.height !== size.height) {
          next.set(id, size);
          changed = true;
        }
      });
      return changed ? next : old;
    });
  }, []);

  const sizeOf = useCallback((id: string) => measured.get(id) ?? { width: NODE_WIDTH, height: ESTIMATED_HEIGHT }, [measured]);

  const canvasSize = useCallback(() => {
    const box = canvasBox();
    return box ? { width: box.width, height: box.height } : expectedCanvasSize();
  }, []);

  // Big flows: React Flow holds the steps in and around the view (see viewport.ts).
  const [viewport] = useState<Viewport>(() => {
    const size = expectedCanvasSize();
    return initialViewport(doc, size.width, size.height);
  });
  const [win, setWin] = useState<Rect | null>(() => {
    const size = expectedCanvasSize();
    return grow(viewRect(viewport, size.width, size.height), 1);
  });
  const onMove = useCallback((vp: Viewport) => {
    const size = canvasSize();
    const view = viewRect(vp, size.width, size.height);
    setWin((w) => (w && contains(w, grow(view, 0.25)) ? w : grow(view, 1)));
  }, [canvasSize]);
  const only = useMemo(() => windowedIds(doc, measured, win, keep), [doc, measured, win, keep]);

  const go = useCallback((vp: Viewport, duration: number) => {
    rf.setViewport(vp, { duration });
    onMove(vp);
  }, [rf, onMove]);

  /** The whole flow, however small that makes it, clear of the floating controls (the "fit" button). */
  const fitAll = useCallback((duration = 0) => {
    const bounds = boundsOf(store.get().doc, measured);
    if (!bounds) return;
    const size = canvasSize();
    go(fitRect(bounds, size.width, size.height, floatingBoxes(canvasBox())), duration);
  }, [store, measured, canvasSize, go]);

  /** The whole flow if it fits at a readable zoom, else its start (opening, importing, tidying). */
  const showReadable = useCallback((duration = 0) => {
    const size = canvasSize();
    const vp = readableViewport(store.get().doc, measured, size.width, size.height, floatingBoxes(canvasBox()));
    if (vp) go(vp, duration);
  }, [store, measured, canvasSize, go]);

  // Shown now, and once more when the checker answers: its line below the canvas may change the
  // canvas's height.
  const pending = useRef(false);
  const showSoon = useCallback(() => {
    pending.current = true;
    requestAnimationFrame(() => showReadable());
  }, [showReadable]);
  useEffect(() => {
    if (checking || !pending.current) return;
    pending.current = false;
    requestAnimationFrame(() => showReadable(200));
  }, [checking, showReadable]);

  /** Flow coordinates of the part of the canvas on screen, less an inset (in screen pixels). */
  const visibleRect = useCallback((inset: Insets = { top: 0, right: 0, bottom: 0, left: 0 }): Rect | null => {
    const box = canvasBox();
    if (!box) return null;
    const a = rf.screenToFlowPosition({ x: box.left + inset.left, y: box.top + inset.top });
    const b = rf.screenToFlowPosition({ x: box.right - inset.right, y: box.bottom - inset.bottom });
    return { x: a.x, y: a.y, width: Math.max(0, b.x - a.x), height: Math.max(0, b.y - a.y) };
  }, [rf]);

  /** Move the view (keeping the zoom) so that this rectangle is in it, unless it already is. */
  const reveal = useCallback((r: Rect) => {
    const view = visibleRect();
    if (view && contains(view, r)) return;
    rf.setCenter(r.x + r.width / 2, r.y + r.height / 2, { zoom: rf.getZoom(), duration: 200 });
  }, [rf, visibleRect]);

  return { measured, onMeasured, sizeOf, viewport, onMove, only, fitAll, showReadable, showSoon, visibleRect, reveal };
}

export type View = ReturnType<typeof useView>;
