// The editor page: toolbar, palette, canvas, inspector and problems, wired to the draft store.
import { useReactFlow, type Viewport } from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Api } from "./api";
import { isApiError } from "./http";
import { clearBackup } from "./backup";
import { blockFor } from "./blocks";
import { Canvas, type Selection } from "./Canvas";
import { CountsContext, useStepCounts } from "./counts";
import { ConflictDialog, ImportDialog, PublishDialog, ShortcutsDialog, VersionsDialog } from "./Dialogs";
import { addStep, cloneSteps, connect, makeStart, moveSteps, outputsTargetFree, removeSteps, selectionClip } from "./doc";
import { GraphCache, groupProblems, parseEdgeId, type Measured } from "./graph";
import { StepInspector, type FocusRequest } from "./Inspector";
import {
  boundsOf, contains, expectedCanvasSize, fitRect, grow, initialViewport, viewRect, windowedIds, BIG_FLOW, type Rect,
} from "./viewport";
import { layoutDocument, ESTIMATED_HEIGHT, NODE_WIDTH } from "./layout";
import { normalise, type Normalised } from "./normalise";
import { FlowPanel, GroupPanel, Palette, ProblemsPanel } from "./Panels";
import { useDraft, type DraftStore } from "./store";
import { publishTestsNote, Simulator } from "./Simulator";
import { TestCallDialog, type Prepared } from "./TestCall";
import { dialContactNumber } from "./dialling";
import { Toolbar } from "./Toolbar";
import type { Diagnostic, Draft, EditorConfig, FlowData, FlowDocument, Schemas, VersionSummary } from "./types";
import { Compare, type Side } from "./Compare";
import { useKeyboard } from "./useKeyboard";
import { useSaving } from "./useSaving";
import { useValidation } from "./useValidation";

export interface Boot {
  config: EditorConfig;
  flow: FlowData;
  store: DraftStore;
  savedDraft: Draft;
  baseRevision: number;
  restoredAt: string | null;
  notes: string[];
  needsLayout: boolean;
}

type DialogName = "publish" | "versions" | "import" | "shortcuts" | "test-call" | null;
interface Notice {
  kind: "success" | "info" | "warning" | "danger";
  text: string;
  action?: { label: string; run: () => void };
}

const EMPTY_SELECTION: Selection = { nodes: new Set(), edges: new Set() };
const CLIPBOARD_KEY = "flowstudio.clipboard";

/** JSON with sorted keys: two documents compare equal whatever order their keys were stored in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** What a call plays: the steps and the settings (positions, labels and notes don't change a call). */
function callsTheSame(a: unknown, b: unknown): boolean {
  const part = (d: unknown) => {
    const doc = (d ?? {}) as { steps?: unknown; settings?: unknown };
    return canonical([doc.steps ?? null, doc.settings ?? {}]);
  };
  return part(a) === part(b);
}

function slug(name: string): string {
  return name.trim().toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "flow";
}

export function App({ boot }: { boot: Boot }) {
  const { config, flow: initialFlow, store } = boot;
  const readOnly = !config.canEdit;
  const api = useMemo(() => new Api(config.apiBase, config.flowId), [config]);
  const draft = useDraft(store);
  const { doc } = draft;
  const rf = useReactFlow();
  const cache = useMemo(() => new GraphCache(), []);
  const [selection, setSelection] = useState<Selection>(EMPTY_SELECTION);
  const [measured, setMeasured] = useState<Measured>(() => new Map());
  const [focus, setFocus] = useState<FocusRequest | null>(null);
  const [dialog, setDialog] = useState<DialogName>(null);
  const [notice, setNotice] = useState<Notice | null>(
    boot.restoredAt
      ? { kind: "info", text: `We brought back changes you hadn't saved (from ${new Date(boot.restoredAt).toLocaleString()}).` }
      : boot.notes.length
        ? { kind: "warning", text: boot.notes.join(" ") }
        : null,
  );
  const [latestVersion, setLatestVersion] = useState(initialFlow.latest_version);
  const [busyLayout, setBusyLayout] = useState(false);
  const [countsOn, setCountsOn] = useState(false);
  const stepCounts = useStepCounts(api, latestVersion, countsOn);
  const clipboard = useRef<ReturnType<typeof selectionClip> | null>(null);
  const pasteCount = useRef(0);

  const validation = useValidation(api, doc, initialFlow.diagnostics ?? [], store.get() === boot.savedDraft && !boot.needsLayout);
  const { diagnostics, setDiagnostics } = validation;
  const previousProblems = useRef(new Map<string, Diagnostic[]>());
  const problems = useMemo(() => (previousProblems.current = groupProblems(diagnostics, previousProblems.current)), [diagnostics]);

  // Steps changed since the latest version, as of the last save (null: none, or nothing published).
  const [unpublished, setUnpublished] = useState(initialFlow.unpublished_steps ?? null);
  // ?compare=1 opens the comparison of the latest version with the draft (the flows list links
  // there); &from= and &to= (a version number or "draft") choose other sides.
  const [compare, setCompare] = useState<{ from: Side; to: Side } | null>(() => {
    const query = new URLSearchParams(window.location.search);
    const side = (value: string | null, fallback: Side | null): Side | null =>
      value === "draft" ? "draft" : value && /^[1-9][0-9]*$/.test(value) ? Number(value) : fallback;
    const from = side(query.get("from"), initialFlow.latest_version ?? null);
    const to = side(query.get("to"), "draft");
    return query.has("compare") && from !== null && to !== null ? { from, to } : null;
  });
  const onSaved = useCallback((f: FlowData, sent: Draft) => {
    setUnpublished(f.unpublished_steps ?? null);
    if (store.get() === sent && Array.isArray(f.diagnostics)) setDiagnostics(f.diagnostics);
  }, [store, setDiagnostics]);
  const saving = useSaving({
    api, store, draft, flowId: config.flowId, canEdit: config.canEdit, autosaveMs: config.autosaveMs,
    baseRevision: boot.baseRevision, savedDraft: boot.savedDraft, onSaved,
  });

  // Restored from the local backup: offer to throw it away.
  useEffect(() => {
    if (!boot.restoredAt) return;
    // Going back to the saved draft is an ordinary (undoable) edit, so it is safe even after an autosave.
    const discard = () => {
      store.update(() => boot.savedDraft);
      setSelection(EMPTY_SELECTION);
      setNotice({ kind: "info", text: "Showing the last saved version. Undo (Ctrl/⌘+Z) brings your changes back." });
    };
    setNotice((n) => n && { ...n, action: { label: "Discard them", run: discard } });
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

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

  const canvasSize = useCallback(() => {
    const el = document.querySelector<HTMLElement>(".fs-canvas");
    return el && el.clientWidth > 0 ? { width: el.clientWidth, height: el.clientHeight } : expectedCanvasSize();
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
  }, [store, canvasSize]);
  const only = useMemo(() => windowedIds(doc, measured, win, selection.nodes), [doc, measured, win, selection.nodes]);

  const fitAll = useCallback((duration = 0) => {
    const bounds = boundsOf(store.get().doc, measured);
    if (!bounds) return;
    const size = canvasSize();
    const vp = fitRect(bounds, size.width, size.height);
    rf.setViewport(vp, { duration });
    onMove(vp);
  }, [store, measured, canvasSize, rf, onMove]);

  // Fit the view now, and once more when the checker answers: its list below the canvas
  // may grow and shrink the canvas.
  const pendingFit = useRef(false);
  const fitSoon = useCallback(() => {
    pendingFit.current = true;
    requestAnimationFrame(() => fitAll());
  }, [fitAll]);
  useEffect(() => {
    if (validation.checking || !pendingFit.current) return;
    pendingFit.current = false;
    requestAnimationFrame(() => fitAll(200));
  }, [validation.checking, fitAll]);

  const select = useCallback((ids: string[]) => setSelection({ nodes: new Set(ids), edges: new Set() }), []);

  const sizeOf = useCallback((id: string) => measured.get(id) ?? { width: NODE_WIDTH, height: ESTIMATED_HEIGHT }, [measured]);

  const arrange = useCallback(async (target: FlowDocument, options: { record: boolean; fit: boolean }) => {
    const many = target.steps.length > 150;
    if (many) setBusyLayout(true);
    try {
      const positions = await layoutDocument(target, measured, config.layoutWorkerUrl);
      const ids = new Set(store.get().doc.steps.map((s) => s.id));
      const known = new Map(Object.entries(positions).filter(([id]) => ids.has(id)));
      store.updateDoc((d) => moveSteps(d, known), { history: options.record });
      if (options.fit) fitSoon();
    } finally {
      if (many) setBusyLayout(false);
    }
  }, [measured, config.layoutWorkerUrl, store, fitSoon]);

  // A flow saved without positions (imported elsewhere) is laid out when it opens.
  useEffect(() => {
    if (!boot.needsLayout) return;
    arrange(store.get().doc, { record: false, fit: true }).then(() => {
      if (store.get().doc !== boot.savedDraft.doc) saving.adopt({ ...initialFlow, revision: saving.revision.current }, store.get(), false);
    });
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  const addBlock = useCallback((type: string, at?: { x: number; y: number }) => {
    if (readOnly) return;
    const current = store.get().doc;
    const from = selection.nodes.size === 1 ? [...selection.nodes][0] : null;
    let place = at;
    if (!place && from && current.layout[from]) {
      const size = sizeOf(from);
      place = { x: current.layout[from].x, y: current.layout[from].y + size.height + 70 };
    }
    if (!place) {
      const box = document.querySelector(".fs-canvas")?.getBoundingClientRect();
      const center = box ? { x: box.left + box.width / 2, y: box.top + box.height / 3 } : { x: 400, y: 200 };
      const p = rf.screenToFlowPosition(center);
      place = { x: p.x - NODE_WIDTH / 2, y: p.y - 40 };
    }
    // Never drop a new step on top of another one: move it right until the spot is free.
    const taken = Object.entries(current.layout).map(([id, l]) => ({ ...l, ...sizeOf(id) }));
    const overlaps = (p: { x: number; y: number }) =>
      taken.some((r) => p.x < r.x + r.width + 20 && p.x + NODE_WIDTH + 20 > r.x && p.y < r.y + r.height + 20 && p.y + ESTIMATED_HEIGHT + 20 > r.y);
    for (let i = 0; i < 200 && overlaps(place); i++) place = { x: place.x + 60, y: place.y };
    const added = addStep(current, type, place);
    let next = added.doc;
    if (!at && from) {
      const key = outputsTargetFree(next, from);
      if (key) next = connect(next, from, key, added.id);
    }
    store.updateDoc(() => next);
    select([added.id]);
    // Bring it into view when it landed off screen.
    const box = document.querySelector(".fs-canvas")?.getBoundingClientRect();
    if (box) {
      const topLeft = rf.screenToFlowPosition({ x: box.left, y: box.top });
      const bottomRight = rf.screenToFlowPosition({ x: box.right, y: box.bottom });
      const visible = place.x >= topLeft.x && place.y >= topLeft.y && place.x + NODE_WIDTH <= bottomRight.x && place.y + ESTIMATED_HEIGHT <= bottomRight.y;
      if (!visible) rf.setCenter(place.x + NODE_WIDTH / 2, place.y + ESTIMATED_HEIGHT / 2, { zoom: rf.getZoom(), duration: 200 });
    }
  }, [readOnly, store, selection.nodes, sizeOf, rf, select]);

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
  }, [readOnly, selection, store]);

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
  }, [selection.nodes, store]);

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

  const undo = useCallback(() => store.undo(), [store]);
  const redo = useCallback(() => store.redo(), [store]);

  const pickProblem = useCallback((d: Diagnostic) => {
    setDialog(null);
    if (d.step === null) return;
    const id = String(d.step);
    const place = store.get().doc.layout[id];
    if (!place) return;
    select([id]);
    const size = sizeOf(id);
    rf.setCenter(place.x + size.width / 2, place.y + size.height / 2, { zoom: Math.max(rf.getZoom(), 0.8), duration: 300 });
    setFocus({ step: id, field: d.field, nonce: Date.now() });
  }, [store, select, sizeOf, rf]);

  const importFlow = useCallback(async (result: Normalised) => {
    setDialog(null);
    store.updateDoc(() => result.doc);
    setSelection(EMPTY_SELECTION);
    if (!result.laidOut) await arrange(result.doc, { record: false, fit: true });
    else fitSoon();
    const count = result.doc.steps.length;
    setNotice({ kind: result.notes.length ? "warning" : "success", text: [`Imported ${count} step${count === 1 ? "" : "s"}.`, ...result.notes].join(" ") });
  }, [store, arrange, fitSoon]);

  const download = useCallback(async () => {
    if (saving.dirty && !readOnly && !(await saving.save())) {
      setNotice({ kind: "danger", text: "Save your changes first: the download is made from the saved flow." });
      return;
    }
    try {
      const payload = await api.exportPayload();
      const blob = new Blob([JSON.stringify(payload, null, 2) + "\n"], { type: "application/json" });
      const link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = `${slug(store.get().name)}.json`;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    } catch (err) {
      setNotice({ kind: "danger", text: err instanceof Error ? err.message : String(err) });
    }
  }, [api, saving, readOnly, store]);

  // Publish the saved draft. Refused because of problems: they are shown (the problems list, and the
  // publish and test call dialogs list them from there) and null is returned.
  const publishSaved = useCallback(async (note: string, revision?: number): Promise<VersionSummary | null> => {
    try {
      const version = await api.publish(note, revision);
      setLatestVersion(version.number);
      setUnpublished(null);
      return version;
    } catch (err) {
      const diagnostics = isApiError(err, "flow_has_errors") ? (err.extra.diagnostics as Diagnostic[] | undefined) : undefined;
      if (diagnostics) {
        setDiagnostics(diagnostics);
        return null;
      }
      throw err;
    }
  }, [api, setDiagnostics]);

  const publish = useCallback(async (note: string) => {
    if (saving.dirty && !(await saving.save())) throw new Error("The latest changes couldn't be saved, so nothing was published.");
    const version = await publishSaved(note);
    if (!version) return;
    setDialog(null);
    const tests = publishTestsNote(version);
    setNotice({ kind: tests.warning ? "warning" : "success", text: `Published version ${version.number}. Calls can use it now.${tests.text}` });
  }, [saving, publishSaved]);

  // Before a test call: save, then publish unless the latest version already plays the saved draft.
  const prepareTestCall = useCallback(async (progress: (text: string) => void): Promise<Prepared | null> => {
    if (saving.dirty) progress("Saving your changes…");
    if (!(await saving.save())) throw new Error("Your latest changes couldn't be saved, so no call was placed. Try again in a moment.");
    progress("Checking the published version…");
    const saved = await api.get();
    if (saved.latest_version) {
      const latest = await api.version(saved.latest_version);
      if (callsTheSame(latest.document, saved.document)) return { version: latest.number, published: false };
    }
    progress("Publishing…");
    try {
      const version = await publishSaved("Published for a test call", saving.revision.current);
      return version && { version: version.number, published: true };
    } catch (err) {
      if (isApiError(err, "revision_conflict")) {
        throw new Error("Someone else saved this flow a moment ago, so nothing was published or called. Reload to see their changes.");
      }
      throw err;
    }
  }, [api, saving, publishSaved]);

  const adoptFlow = useCallback((f: FlowData, keepHistory: boolean) => {
    const result = normalise(f.document);
    if ("error" in result) throw new Error(result.error);
    saving.adopt(f, { name: f.name, doc: result.doc }, keepHistory);
    setDiagnostics(f.diagnostics ?? []);
    setLatestVersion(f.latest_version ?? null);
    setUnpublished(f.unpublished_steps ?? null);
  }, [saving, setDiagnostics]);

  const restore = useCallback(async (n: number) => {
    const f = await api.restore(n, saving.revision.current);
    adoptFlow(f, true);
    setDialog(null);
    setSelection(EMPTY_SELECTION);
    setNotice({ kind: "success", text: `Version ${n} is now the draft. Undo (Ctrl/⌘+Z) brings your previous draft back.` });
  }, [api, saving, adoptFlow]);

  // Opening the publish dialog saves first, so that what it lists is what will be published.
  const [publishChanges, setPublishChanges] = useState<Promise<Schemas["FlowDiff"]> | null>(null);
  const openPublish = useCallback(async () => {
    if (saving.dirty) await saving.save();
    setPublishChanges(latestVersion ? api.diff(latestVersion, "draft") : null);
    setDialog("publish");
  }, [api, saving, latestVersion]);

  // The versions dialog says what a restore would change in the draft: save the draft first.
  const openVersions = useCallback(async () => {
    if (saving.dirty) await saving.save();
    setDialog("versions");
  }, [saving]);

  const discard = useCallback(async () => {
    try {
      if (saving.dirty && !(await saving.save())) throw new Error("Your latest changes couldn't be saved, so nothing was discarded.");
      adoptFlow(await api.discard(saving.revision.current), true);
      setSelection(EMPTY_SELECTION);
      setCompare(null);
      setNotice({ kind: "success", text: `The draft is version ${latestVersion} again. Undo (Ctrl/⌘+Z) brings your changes back.` });
    } catch (err) {
      setNotice({ kind: "danger", text: err instanceof Error ? err.message : String(err) });
    }
  }, [api, saving, adoptFlow, latestVersion]);

  const openCompare = useCallback(async (from: Side, to: Side = "draft") => {
    if (saving.dirty && !(await saving.save())) {
      setNotice({ kind: "danger", text: "Your latest changes couldn't be saved yet, so they can't be compared. Try again in a moment." });
      return;
    }
    setDialog(null);
    setCompare({ from, to });
  }, [saving]);

  const reloadTheirs = useCallback(async () => {
    try {
      adoptFlow(await api.get(), false);
      setSelection(EMPTY_SELECTION);
      setNotice({ kind: "info", text: "Showing the latest saved version." });
    } catch (err) {
      setNotice({ kind: "danger", text: err instanceof Error ? err.message : String(err) });
    }
  }, [api, adoptFlow]);

  const keepCopy = useCallback(async () => {
    const mine = store.get();
    const copy = await api.createCopy(`${mine.name} (my copy)`, mine.doc, initialFlow.team);
    clearBackup(config.flowId);
    window.location.assign(`${config.listUrl}${copy.id}/edit`);
  }, [api, store, initialFlow, config]);

  useKeyboard({
    enabled: dialog === null && !saving.conflictOpen,
    readOnly,
    save: () => void saving.save(),
    undo, redo, copy: copySelection, paste, duplicate, remove: deleteSelection,
    selectAll: () => select(store.get().doc.steps.map((s) => s.id)),
    clear: () => setSelection(EMPTY_SELECTION),
    help: () => setDialog("shortcuts"),
  });

  useEffect(() => {
    if (notice?.kind !== "success") return;
    const t = window.setTimeout(() => setNotice(null), 5000);
    return () => window.clearTimeout(t);
  }, [notice]);

  const onInit = useCallback(() => {
    // Small flows are fitted to the canvas as it really is; big ones keep the working zoom on the start.
    const steps = store.get().doc.steps.length;
    if (steps > 0 && steps <= BIG_FLOW && !boot.needsLayout) fitAll();
    requestAnimationFrame(() => requestAnimationFrame(() => {
      const w = window as unknown as { __flowEditor?: object };
      const start = performance.getEntriesByName("flow-editor-start")[0]?.startTime ?? 0;
      w.__flowEditor = { ready: true, readyAt: performance.now(), scriptStart: start };
      document.getElementById("flow-editor")?.setAttribute("data-ready", "true");
    }));
  }, [store, boot.needsLayout, fitAll]);

  // The selection can name steps an undo just removed: only count the ones that exist.
  const stepIds = useMemo(() => new Set(doc.steps.map((st) => st.id)), [doc.steps]);
  const selectedIds = [...selection.nodes].filter((id) => stepIds.has(id));
  const selectedEdges = [...selection.edges].filter((id) => stepIds.has(parseEdgeId(id).source)).length;
  const single = selectedIds.length === 1 ? doc.steps.findIndex((s) => s.id === selectedIds[0]) : -1;
  const errors = diagnostics.filter((d) => d.severity === "error");
  const describe = (d: Diagnostic) => {
    if (d.step === null) return "The flow";
    const step = doc.steps.find((s) => s.id === String(d.step));
    return doc.layout[String(d.step)]?.label || (step ? `Step ${step.id} · ${blockFor(step)?.title ?? step.type}` : `Step ${d.step}`);
  };

  return (
    <div className={`fs-editor${readOnly ? " is-readonly" : ""}`}>
      <Toolbar
        name={draft.name} store={store} listUrl={config.listUrl} readOnly={readOnly}
        status={saving.status} statusDetail={saving.error} canUndo={store.canUndo()} canRedo={store.canRedo()}
        latestVersion={latestVersion} busyLayout={busyLayout} unpublished={unpublished}
        onCompare={() => latestVersion && void openCompare(latestVersion)} onDiscard={() => void discard()}
        countsOn={countsOn} onToggleCounts={() => setCountsOn((on) => !on)}
        onUndo={undo} onRedo={redo} onLayout={() => void arrange(store.get().doc, { record: true, fit: true })}
        onImport={() => setDialog("import")} onDownload={() => void download()} onVersions={() => void openVersions()}
        onShortcuts={() => setDialog("shortcuts")} onSave={() => void saving.save()} onPublish={() => void openPublish()}
        onTestCall={() => setDialog("test-call")}
      />
      {readOnly && <div className="fs-readonly-bar">You can look at this flow but not change it. Ask a team owner for editor access.</div>}
      {compare && (
        <Compare api={api} from={compare.from} to={compare.to} draft={saving.dirty ? null : doc} onClose={() => setCompare(null)} />
      )}
      <div className="fs-workspace" hidden={compare !== null}>
        {!readOnly && <Palette onAdd={(type) => addBlock(type)} />}
        <div className="fs-center">
          {doc.steps.length === 0 && (
            <div className="fs-empty-canvas">
              <div className="fs-empty-title">Start with a Call block</div>
              <div>{readOnly ? "This flow has no steps yet." : "Drag it from the left, or click it. Then add what happens next."}</div>
            </div>
          )}
          {/* Not drawn while Compare is open: a big flow would be drawn twice. */}
          {!compare && (
            <CountsContext.Provider value={countsOn ? stepCounts.counts : null}>
            <Canvas
              doc={doc} store={store} cache={cache} problems={problems} selection={selection} setSelection={setSelection}
              measured={measured} onMeasured={onMeasured} readOnly={readOnly} defaultViewport={viewport}
              onAddBlock={addBlock} onInit={onInit} only={only} onMove={onMove} onFit={() => fitAll(200)}
            >
              {notice && (
                <div className={`fs-notice alert alert-${notice.kind} shadow-sm`} role="status" data-testid="notice">
                  <span>{notice.text}</span>
                  {notice.action && (
                    <button type="button" className="btn btn-sm btn-link" onClick={notice.action.run}>
                      {notice.action.label}
                    </button>
                  )}
                  <button type="button" className="btn-close btn-sm ms-2" aria-label="Dismiss" onClick={() => setNotice(null)} />
                </div>
              )}
              {countsOn && stepCounts.failed && (
                <div className="fs-notice alert alert-warning shadow-sm" role="status">The counts could not be loaded.</div>
              )}
            </Canvas>
            </CountsContext.Provider>
          )}
          <ProblemsPanel doc={doc} diagnostics={diagnostics} checking={validation.checking} checkFailed={validation.failed} onPick={pickProblem} />
          <Simulator apiBase={config.apiBase} flowId={config.flowId} doc={doc} canEdit={!readOnly} />
        </div>
        <aside className="fs-inspector" aria-label="Details">
          {single >= 0 ? (
            <StepInspector
              key={doc.steps[single].id}
              doc={doc} step={doc.steps[single]} index={single} store={store}
              problems={problems.get(doc.steps[single].id) ?? []} readOnly={readOnly}
              contactFields={config.contactFields} focus={focus}
              onRenamed={(_, to) => select([to])}
              onMakeStart={(id) => store.updateDoc((d) => makeStart(d, id))}
              onDuplicate={duplicate} onDelete={deleteSelection}
            />
          ) : selectedIds.length || selectedEdges ? (
            <GroupPanel count={selectedIds.length} edges={selectedEdges} readOnly={readOnly} onCopy={copySelection} onDuplicate={duplicate} onDelete={deleteSelection} />
          ) : (
            <FlowPanel store={store} doc={doc} name={draft.name} readOnly={readOnly} />
          )}
        </aside>
      </div>
      {dialog === "publish" && (
        <PublishDialog errors={errors} describe={describe} onPick={pickProblem} onPublish={publish} onClose={() => setDialog(null)} changes={publishChanges} />
      )}
      {dialog === "versions" && (
        <VersionsDialog api={api} canEdit={!readOnly} onRestore={restore} onCompare={(n) => void openCompare(n)} onClose={() => setDialog(null)} />
      )}
      {dialog === "import" && <ImportDialog onImport={(r) => void importFlow(r)} onClose={() => setDialog(null)} />}
      {dialog === "shortcuts" && <ShortcutsDialog onClose={() => setDialog(null)} />}
      {dialog === "test-call" && (
        <TestCallDialog
          api={api} team={initialFlow.team} doc={doc} errors={errors} describe={describe} onPick={pickProblem}
          credentialsUrl={config.credentialsUrl ?? "/credentials/"}
          callUrl={(id) => (config.callUrl ?? "/calls/{id}/").replace("{id}", String(id))}
          prepare={prepareTestCall} onClose={() => setDialog(null)}
          dialContactNumber={() => store.updateDoc(dialContactNumber)}
        />
      )}
      {/* Last, so that it shows above a dialog whose save was refused. */}
      {saving.conflictOpen && <ConflictDialog onReload={() => void reloadTheirs()} onKeepCopy={keepCopy} onLater={saving.closeConflict} />}
    </div>
  );
}
