// Entry point of the editor page: read what Django passed through json_script and mount.
import "@xyflow/react/dist/style.css";
import "./editor.css";
import { ReactFlowProvider } from "@xyflow/react";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App, type Boot } from "./App";
import { clearBackup, readBackup } from "./backup";
import { EMPTY_DOC } from "./doc";
import { layoutDocument } from "./layout";
import { normalise } from "./normalise";
import { DraftStore } from "./store";
import type { Draft, EditorConfig, FlowData } from "./types";

function readJson<T>(id: string): T {
  const el = document.getElementById(id);
  if (!el?.textContent) throw new Error(`The page is missing ${id}.`);
  return JSON.parse(el.textContent) as T;
}

function boot(): Boot {
  const config = readJson<EditorConfig>("editor-config");
  const flow = readJson<FlowData>("editor-flow");
  const loaded = normalise(flow.document);
  const notes = "error" in loaded ? [loaded.error] : loaded.notes;
  const savedDraft: Draft = { name: flow.name, doc: "error" in loaded ? EMPTY_DOC : loaded.doc };
  let draft = savedDraft;
  let baseRevision = flow.revision;
  let restoredAt: string | null = null;
  let laidOut = "error" in loaded ? true : loaded.laidOut || loaded.doc.steps.length === 0;

  const backup = config.canEdit ? readBackup(config.flowId) : null;
  if (backup) {
    const restored = normalise(backup.doc);
    const differs = backup.name !== flow.name || JSON.stringify(backup.doc) !== JSON.stringify(savedDraft.doc);
    if (!("error" in restored) && differs) {
      draft = { name: backup.name, doc: restored.doc };
      baseRevision = backup.baseRevision;
      restoredAt = backup.at;
      laidOut = restored.laidOut || restored.doc.steps.length === 0;
    } else {
      clearBackup(config.flowId);
    }
  }
  return {
    config,
    flow,
    store: new DraftStore(draft),
    savedDraft,
    baseRevision,
    restoredAt,
    notes,
    needsLayout: !laidOut,
    // Started now, so that the worker lays the flow out while React draws the page.
    firstLayout: laidOut ? null : layoutDocument(draft.doc, new Map(), config.layoutWorkerUrl),
  };
}

const root = document.getElementById("flow-editor");
performance.mark("flow-editor-start"); // bench/editor.py reports the time from here to ready
if (root) {
  try {
    const state = boot();
    createRoot(root).render(
      <StrictMode>
        <ReactFlowProvider>
          <App boot={state} />
        </ReactFlowProvider>
      </StrictMode>,
    );
  } catch (err) {
    root.textContent = `The editor could not start: ${err instanceof Error ? err.message : String(err)}`;
    root.classList.add("alert", "alert-danger", "m-3");
  }
}
