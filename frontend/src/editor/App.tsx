import { useReactFlow } from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Api } from "./api";
import { blockFor } from "./blocks";
import { Canvas, type Selection } from "./Canvas";
import { CountsContext, type CountsFilter, EVERY_CALL, useFlowCampaigns, useStepCounts } from "./counts";
import { CountsFilterBar } from "./CountsFilterBar";
import { ConflictDialog, ImportDialog, PublishDialog, ShortcutsDialog, VersionsDialog } from "./Dialogs";
import { makeStart, moveSteps } from "./doc";
import { GraphCache, groupProblems, parseEdgeId } from "./graph";
import { StepInspector, type FocusRequest } from "./Inspector";
import { BIG_FLOW, READABLE_ZOOM } from "./viewport";
import type { Positions } from "./dagreLayout";
import { layoutDocument } from "./layout";
import type { Normalised } from "./normalise";
import { NoticeBar, useNotice } from "./Notice";
import { FlowPanel, GroupPanel, Palette, ProblemsPanel } from "./Panels";
import { useDraft, type DraftStore } from "./store";
import { Simulator } from "./Simulator";
import { TestCallDialog } from "./TestCall";
import { dialContactNumber } from "./dialling";
import { tooLargeText } from "./size";
import { Toolbar } from "./Toolbar";
import type { Diagnostic, Draft, EditorConfig, FlowData, FlowDocument } from "./types";
import { Compare, type Side } from "./Compare";
import { useKeyboard } from "./useKeyboard";
import { usePublishing } from "./usePublishing";
import { useSaving } from "./useSaving";
import { useStepEdits } from "./useStepEdits";
import { useValidation } from "./useValidation";
import { useView } from "./useView";

export interface Boot {
  config: EditorConfig;
  flow: FlowData;
  store: DraftStore;
  savedDraft: Draft;
  baseRevision: number;
  restoredAt: string | null;
  notes: string[];
  needsLayout: boolean;
  /** The layout of a flow that opened without positions, already under way (main.tsx). */
  firstLayout: Promise<Positions> | null;
}

type DialogName = "publish" | "versions" | "import" | "shortcuts" | "test-call" | null;

const EMPTY_SELECTION: Selection = { nodes: new Set(), edges: new Set() };

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
  const [focus, setFocus] = useState<FocusRequest | null>(null);
  const [dialog, setDialog] = useState<DialogName>(null);
  const [notice, setNotice] = useNotice(() =>
    boot.restoredAt
      ? { kind: "info", text: `We brought back changes you hadn't saved (from ${new Date(boot.restoredAt).toLocaleString()}).` }
      : boot.notes.length
        ? { kind: "warning", text: boot.notes.join(" ") }
        : null,
  );
  const [latestVersion, setLatestVersion] = useState(initialFlow.latest_version);
  const [busyLayout, setBusyLayout] = useState(false);
  const [countsOn, setCountsOn] = useState(false);
  const [countsFilter, setCountsFilter] = useState<CountsFilter>(EVERY_CALL);
  const stepCounts = useStepCounts(api, latestVersion, countsOn, countsFilter);
  const flowCampaigns = useFlowCampaigns(api, config.flowId, latestVersion, countsOn);

  // Over the size limit, checks are not sent (useSaving measures the size).
  const [tooBig, setTooBig] = useState(false);
  const [bodyLimit, setBodyLimit] = useState(config.maxBodyBytes ?? 0);
  const validation = useValidation(api, doc, initialFlow.diagnostics ?? [], store.get() === boot.savedDraft && !boot.needsLayout, tooBig, bodyLimit);
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
  // The editor's first render is on screen (the ready mark below): work it need not wait for waits for it.
  const [opened, setOpened] = useState(false);
  const saving = useSaving({
    api, store, draft, flowId: config.flowId, canEdit: config.canEdit, autosaveMs: config.autosaveMs,
    baseRevision: boot.baseRevision, savedDraft: boot.savedDraft, limitBytes: config.maxBodyBytes ?? 0, onSaved, opened,
  });
  useEffect(() => {
    setTooBig(saving.size !== null && saving.limit > 0 && saving.size > saving.limit);
    setBodyLimit(saving.limit);
  }, [saving.size, saving.limit]);
  // A save refused as too large says so (again on each refused Save), with what to do.
  useEffect(() => {
    if (saving.tooLarge) setNotice({ kind: "danger", text: tooLargeText(saving.tooLarge) });
  }, [saving.tooLarge, setNotice]);

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

  const view = useView({ store, doc, keep: selection.nodes, checking: validation.checking });
  const { measured, sizeOf, showSoon } = view;
  const edits = useStepEdits({ store, readOnly, selection, setSelection, view, setNotice });
  const { select, deleteSelection, copySelection, paste, duplicate } = edits;

  /** Positions for the steps of ``target`` (the busy mark shown while a big flow is laid out). */
  const positionsOf = useCallback(async (target: FlowDocument, given?: Promise<Positions>) => {
    const many = target.steps.length > 150;
    if (many) setBusyLayout(true);
    try {
      return await (given ?? layoutDocument(target, measured, config.layoutWorkerUrl));
    } finally {
      if (many) setBusyLayout(false);
    }
  }, [measured, config.layoutWorkerUrl]);

  const arrange = useCallback(async (target: FlowDocument, options: { record: boolean; fit: boolean; positions?: Promise<Positions> }) => {
    const positions = await positionsOf(target, options.positions);
    const ids = new Set(store.get().doc.steps.map((s) => s.id));
    const known = new Map(Object.entries(positions).filter(([id]) => ids.has(id)));
    store.updateDoc((d) => moveSteps(d, known), { history: options.record });
    if (options.fit) showSoon();
  }, [positionsOf, store, showSoon]);

  // The editor's ready mark (tests and bench/editor.py wait for it): React Flow is up and, for a
  // flow that opened without positions, its first layout is on the canvas.
  const waitingFor = useRef(new Set(boot.needsLayout ? ["canvas", "layout"] : ["canvas"]));
  const arrived = useCallback((what: string) => {
    waitingFor.current.delete(what);
    if (waitingFor.current.size) return;
    requestAnimationFrame(() => requestAnimationFrame(() => {
      const w = window as unknown as { __flowEditor?: object };
      const start = performance.getEntriesByName("flow-editor-start")[0]?.startTime ?? 0;
      w.__flowEditor = { ready: true, readyAt: performance.now(), scriptStart: start };
      document.getElementById("flow-editor")?.setAttribute("data-ready", "true");
      setOpened(true);
    }));
  }, []);

  // A flow saved without positions (imported elsewhere, or made through the API) is laid out when it opens.
  useEffect(() => {
    if (!boot.needsLayout) return;
    arrange(store.get().doc, { record: false, fit: true, positions: boot.firstLayout ?? undefined })
      .then(() => {
        if (store.get().doc !== boot.savedDraft.doc) saving.adopt({ ...initialFlow, revision: saving.revision.current }, store.get(), false);
      })
      .catch((err: unknown) => {
        setNotice({ kind: "danger", text: `This flow could not be laid out (${err instanceof Error ? err.message : String(err)}). Try Tidy up under More.` });
      })
      .finally(() => arrived("layout"));
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  const closeDialog = useCallback(() => setDialog(null), []);
  const onReplaced = useCallback(() => {
    setDialog(null);
    setSelection(EMPTY_SELECTION);
  }, []);
  const closeCompare = useCallback(() => setCompare(null), []);
  // A version restored, a discard or the server's copy may have steps without positions.
  const layOut = useCallback(
    async (target: FlowDocument) => moveSteps(target, new Map(Object.entries(await positionsOf(target)))),
    [positionsOf],
  );
  const publishing = usePublishing({
    api, config, flow: initialFlow, store, saving, latestVersion, setLatestVersion, setUnpublished, setDiagnostics, setNotice,
    onReplaced, layOut, closeDialog, closeCompare,
  });

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
    rf.setCenter(place.x + size.width / 2, place.y + size.height / 2, { zoom: Math.max(rf.getZoom(), READABLE_ZOOM), duration: 300 });
    setFocus({ step: id, field: d.field, nonce: Date.now() });
  }, [store, select, sizeOf, rf]);

  const importFlow = useCallback(async (result: Normalised) => {
    setDialog(null);
    store.updateDoc(() => result.doc);
    setSelection(EMPTY_SELECTION);
    if (!result.laidOut) await arrange(result.doc, { record: false, fit: true });
    else showSoon();
    const count = result.doc.steps.length;
    setNotice({ kind: result.notes.length ? "warning" : "success", text: [`Imported ${count} step${count === 1 ? "" : "s"}.`, ...result.notes].join(" ") });
  }, [store, arrange, showSoon, setNotice]);

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

  const openPublish = useCallback(async () => {
    await publishing.preparePublish();
    setDialog("publish");
  }, [publishing]);

  // The versions dialog says what a restore would change in the draft: save the draft first.
  const openVersions = useCallback(async () => {
    if (saving.dirty) await saving.save();
    setDialog("versions");
  }, [saving]);

  const openCompare = useCallback(async (from: Side, to: Side = "draft") => {
    if (saving.dirty && !(await saving.save())) {
      setNotice({ kind: "danger", text: "Your latest changes couldn't be saved yet, so they can't be compared. Try again in a moment." });
      return;
    }
    setDialog(null);
    setCompare({ from, to });
  }, [saving]);

  useKeyboard({
    enabled: dialog === null && !saving.conflictOpen,
    readOnly,
    save: () => void saving.save(),
    undo, redo, copy: copySelection, paste, duplicate, remove: deleteSelection,
    selectAll: () => select(store.get().doc.steps.map((s) => s.id)),
    clear: () => setSelection(EMPTY_SELECTION),
    help: () => setDialog("shortcuts"),
  });

  const onInit = useCallback(() => {
    // Small flows are fitted to the canvas as it really is; big ones keep the working zoom on the start.
    const steps = store.get().doc.steps.length;
    if (steps > 0 && steps <= BIG_FLOW && !boot.needsLayout) view.showReadable();
    arrived("canvas");
  }, [store, boot.needsLayout, view, arrived]);

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
        status={saving.status} statusDetail={saving.error} size={saving.size} limit={saving.limit} canUndo={store.canUndo()} canRedo={store.canRedo()}
        latestVersion={latestVersion} busyLayout={busyLayout} unpublished={unpublished}
        onCompare={() => latestVersion && void openCompare(latestVersion)} onDiscard={() => void publishing.discard()}
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
        {!readOnly && <Palette onAdd={(type) => edits.addBlock(type)} />}
        <div className="fs-center">
          <div className="fs-canvas-column">
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
              measured={measured} onMeasured={view.onMeasured} readOnly={readOnly} defaultViewport={view.viewport}
              onAddBlock={edits.addBlock} onInit={onInit} only={view.only} onMove={view.onMove} onFit={() => view.fitAll(200)}
            >
              {notice && <NoticeBar notice={notice} onDismiss={() => setNotice(null)} />}
              {countsOn && latestVersion !== null && (
                <CountsFilterBar version={latestVersion} filter={countsFilter} campaigns={flowCampaigns} onChange={setCountsFilter} />
              )}
              {countsOn && stepCounts.failed && (
                <div className="fs-notice alert alert-warning shadow-sm" role="status">The counts could not be loaded.</div>
              )}
            </Canvas>
            </CountsContext.Provider>
          )}
          <ProblemsPanel doc={doc} diagnostics={diagnostics} checking={validation.checking} checkFailed={validation.failed} tooLarge={validation.tooLarge} onPick={pickProblem} />
          </div>
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
        <PublishDialog errors={errors} describe={describe} onPick={pickProblem} onPublish={publishing.publish} onClose={() => setDialog(null)} changes={publishing.publishChanges} />
      )}
      {dialog === "versions" && (
        <VersionsDialog api={api} canEdit={!readOnly} onRestore={publishing.restore} onCompare={(n) => void openCompare(n)} onClose={() => setDialog(null)} />
      )}
      {dialog === "import" && <ImportDialog onImport={(r) => void importFlow(r)} onClose={() => setDialog(null)} />}
      {dialog === "shortcuts" && <ShortcutsDialog onClose={() => setDialog(null)} />}
      {dialog === "test-call" && (
        <TestCallDialog
          api={api} team={initialFlow.team} doc={doc} errors={errors} describe={describe} onPick={pickProblem}
          credentialsUrl={config.credentialsUrl ?? "/credentials/"}
          callUrl={(id) => (config.callUrl ?? "/calls/{id}/").replace("{id}", String(id))}
          prepare={publishing.prepareTestCall} onClose={() => setDialog(null)}
          dialContactNumber={() => store.updateDoc(dialContactNumber)}
        />
      )}
      {/* Last, so that it shows above a dialog whose save was refused. */}
      {saving.conflictOpen && <ConflictDialog onReload={() => void publishing.reloadTheirs()} onKeepCopy={publishing.keepCopy} onLater={saving.closeConflict} />}
    </div>
  );
}
