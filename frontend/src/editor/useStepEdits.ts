// Adding, deleting, copying, pasting and duplicating steps on the canvas.
import { useReactFlow } from "@xyflow/react";
import { useCallback, useRef } from "react";
import type { Selection } from "./Canvas";
import { addStep, cloneSteps, connect, outputsTargetFree, removeSteps, selectionClip } from "./doc";
import { parseEdgeId } from "./graph";
import { ESTIMATED_HEIGHT, NODE_WIDTH } from "./layout";
import type { Notice } from "./Notice";
import { freeSpot } from "./placement";
import type { DraftStore } from "./store";
import type { View } from "./useView";
import { boundsOf, type Rect } from "./viewport";

const CLIPBOARD_KEY = "flowstudio.clipboard";
const EMPTY_SELECTION: Selection = { nodes: new Set(), edges: new Set() };
// What covers the canvas: a new step never goes under these.
const OVERLAYS = ".fs-overview, .react-flow__controls, .fs-sim-toggle, .fs-notice";

interface Options {
  store: DraftStore;
  readOnly: boolean;
  selection: Selection;
  setSelection: (s: Selection) => void;
  view: View;
  setNotice: (n: Notice | null) => void;
}

export function useStepEdits({ store, readOnly, selection, setSelection, view, setNotice }: Options) {
  const rf = useReactFlow();
  const clipboard = useRef<ReturnType<typeof selectionClip> | null>(null);
  const pasteCount = useRef(0);
  const { sizeOf, visibleRect, reveal } = view;

  const select = useCallback((ids: string[]) => setSelection({ nodes: new Set(ids), edges: new Set() }), [setSelection]);

  /** Where a step added by a click goes: below the selected step if that is free, else the free spot in view nearest to it. */
  const placeNew = useCallback((from: string | null): { x: number; y: number } => {
    const doc = store.get().doc;
    const size = { width: NODE_WIDTH, height: ESTIMATED_HEIGHT };
    const taken: Rect[] = Object.entries(doc.layout).map(([id, l]) => ({ x: l.x, y: l.y, ...sizeOf(id) }));
    document.querySelectorAll<HTMLElement>(OVERLAYS).forEach((el) => {
      const box = el.getBoundingClientRect();
      if (!box.width) return;
      const a = rf.screenToFlowPosition({ x: box.left, y: box.top });
      const b = rf.screenToFlowPosition({ x: box.right, y: box.bottom });
      taken.push({ x: a.x, y: a.y, width: b.x - a.x, height: b.y - a.y });
    });
    const seen = visibleRect({ top: 16, right: 16, bottom: 16, left: 16 });
    const below = from && doc.layout[from] ? { x: doc.layout[from].x, y: doc.layout[from].y + sizeOf(from).height + 70 } : null;
    const preferred = below ?? (seen ? { x: seen.x + seen.width / 2 - NODE_WIDTH / 2, y: seen.y + seen.height / 4 } : { x: 0, y: 0 });
    const spot = seen && freeSpot(taken, seen, preferred, size);
    if (spot) return spot;
    // Nothing free in view: beside the whole flow (the view then moves there).
    const bounds = boundsOf(doc, view.measured);
    return bounds ? { x: bounds.x + bounds.width + 80, y: preferred.y } : preferred;
  }, [store, sizeOf, rf, visibleRect, view.measured]);

  const addBlock = useCallback((type: string, at?: { x: number; y: number }) => {
    if (readOnly) return;
    const current = store.get().doc;
    const from = selection.nodes.size === 1 ? [...selection.nodes][0] : null;
    let place = at ?? placeNew(from);
    if (at) {
      // Dropped on another step: move it right until the spot is free.
      const taken = Object.entries(current.layout).map(([id, l]) => ({ ...l, ...sizeOf(id) }));
      const overlaps = (p: { x: number; y: number }) =>
        taken.some((r) => p.x < r.x + r.width + 20 && p.x + NODE_WIDTH + 20 > r.x && p.y < r.y + r.height + 20 && p.y + ESTIMATED_HEIGHT + 20 > r.y);
      for (let i = 0; i < 200 && overlaps(place); i++) place = { x: place.x + 60, y: place.y };
    }
    const added = addStep(current, type, place);
    let next = added.doc;
    if (!at && from) {
      const key = outputsTargetFree(next, from);
      if (key) next = connect(next, from, key, added.id);
    }
    store.updateDoc(() => next);
    select([added.id]);
    reveal({ x: place.x, y: place.y, width: NODE_WIDTH, height: ESTIMATED_HEIGHT });
  }, [readOnly, store, selection.nodes, placeNew, sizeOf, select, reveal]);

  const deleteSelection = useCallback(() => {
    if (readOnly || (!selection.nodes.size && !selection.edges.size)) return;
    store.updateDoc((d) => {
      let next = removeSteps(d, selection.nodes);
      selection.edges.forEach((id) => {
        const { source, key } = parseEdgeId(id);
        if (!selection.nodes.has(source)) next = connect(next, source, key, null);
      });
      return next;
    });
    setSelection(EMPTY_SELECTION);
  }, [readOnly, selection, store, setSelection]);

  const copySelection = useCallback(() => {
    if (!selection.nodes.size) return;
    const clip = selectionClip(store.get().doc, selection.nodes);
    clipboard.current = clip;
    pasteCount.current = 0;
    try {
      window.localStorage.setItem(CLIPBOARD_KEY, JSON.stringify(clip));
    } catch {
      // the in-page clipboard still works
    }
    setNotice({ kind: "success", text: `Copied ${clip.steps.length} step${clip.steps.length === 1 ? "" : "s"}. Press Ctrl/⌘+V to paste.` });
  }, [selection.nodes, store, setNotice]);

  // Copies land beside the originals (never on top of them), further right on each paste.
  const pasteClip = useCallback((clip: ReturnType<typeof selectionClip> | null, times: number) => {
    if (readOnly || !clip || !clip.steps.length) return;
    const xs = Object.values(clip.layout).map((l) => l.x);
    const span = xs.length ? Math.max(...xs) - Math.min(...xs) + NODE_WIDTH + 60 : NODE_WIDTH + 60;
    let ids: string[] = [];
    store.updateDoc((d) => {
      const result = cloneSteps(d, clip, { x: span * times, y: 0 });
      ids = result.ids;
      return result.doc;
    });
    select(ids);
  }, [readOnly, store, select]);

  const paste = useCallback(() => {
    let clip = clipboard.current;
    if (!clip) {
      try {
        clip = JSON.parse(window.localStorage.getItem(CLIPBOARD_KEY) ?? "null");
      } catch {
        clip = null;
      }
    }
    pasteCount.current += 1;
    pasteClip(clip, pasteCount.current);
  }, [pasteClip]);

  const duplicate = useCallback(() => {
    if (selection.nodes.size) pasteClip(selectionClip(store.get().doc, selection.nodes), 1);
  }, [pasteClip, selection.nodes, store]);

  return { select, addBlock, deleteSelection, copySelection, paste, duplicate };
}
