// Saving: the Save button and Ctrl/Cmd+S, autosave, the local backup and stale-save (409) handling.
import { useCallback, useEffect, useRef, useState } from "react";
import type { Api } from "./api";
import { isApiError } from "./http";
import { clearBackup, writeBackup } from "./backup";
import type { DraftStore } from "./store";
import type { Diagnostic, Draft, FlowData } from "./types";

export type SaveStatus = "saved" | "dirty" | "saving" | "error" | "conflict";

const BACKUP_DELAY_MS = 250;
const RETRY_MS = 10000;

interface Options {
  api: Api;
  store: DraftStore;
  draft: Draft;
  flowId: number;
  canEdit: boolean;
  autosaveMs: number;
  baseRevision: number;
  savedDraft: Draft;
  onSaved: (flow: FlowData, sent: Draft) => void;
}

export function useSaving(o: Options) {
  const { api, store, draft, flowId, canEdit, autosaveMs, onSaved } = o;
  const revision = useRef(o.baseRevision);
  const saved = useRef<Draft>(o.savedDraft);
  const inFlight = useRef<Promise<boolean> | null>(null);
  const [status, setStatus] = useState<SaveStatus>(draft === o.savedDraft ? "saved" : "dirty");
  const [error, setError] = useState("");
  // stale: the server has a newer revision (autosave stops); conflictOpen: the dialog is shown.
  const [stale, setStale] = useState(false);
  const [conflictOpen, setConflictOpen] = useState(false);
  const [savedAt, setSavedAt] = useState<Date | null>(null);
  const dirty = draft !== saved.current;
  const staleRef = useRef(false);
  staleRef.current = stale;

  const save = useCallback(async (): Promise<boolean> => {
    if (!canEdit) return false;
    if (staleRef.current) {
      setConflictOpen(true);
      return false;
    }
    if (inFlight.current) {
      await inFlight.current;
      if (store.get() === saved.current) return true;
    }
    const sent = store.get();
    if (sent === saved.current) return true;
    const attempt = (async () => {
      setStatus("saving");
      try {
        const flow = await api.save(revision.current, sent.name.trim() || "Untitled flow", sent.doc);
        revision.current = flow.revision;
        saved.current = sent;
        setError("");
        setSavedAt(new Date());
        const clean = store.get() === sent;
        setStatus(clean ? "saved" : "dirty");
        if (clean) clearBackup(flowId);
        onSaved(flow, sent);
        return true;
      } catch (err) {
        // Only a stale revision is a conflict to resolve; an archived flow (flow_archived) or an
        // error without a known code shows its message.
        if (isApiError(err, "revision_conflict")) {
          setStatus("conflict");
          staleRef.current = true;
          setStale(true);
          setConflictOpen(true);
        } else {
          setStatus("error");
          setError(err instanceof Error ? err.message : String(err));
        }
        return false;
      } finally {
        inFlight.current = null;
      }
    })();
    inFlight.current = attempt;
    return attempt;
  }, [api, canEdit, flowId, onSaved, store]);

  // Keep the status in step with edits, and autosave a little after the last one.
  useEffect(() => {
    if (!canEdit) return;
    if (draft === saved.current) {
      setStatus((s) => (s === "dirty" ? "saved" : s));
      clearBackup(flowId);
      return;
    }
    setStatus((s) => (s === "saved" ? "dirty" : s));
    const backup = window.setTimeout(() => writeBackup(flowId, revision.current, draft), BACKUP_DELAY_MS);
    return () => window.clearTimeout(backup);
  }, [draft, canEdit, flowId]);

  useEffect(() => {
    if (!canEdit || !dirty || stale || status === "saving") return;
    const delay = status === "error" ? RETRY_MS : autosaveMs;
    const timer = window.setTimeout(() => void save(), delay);
    return () => window.clearTimeout(timer);
  }, [draft, dirty, stale, status, canEdit, autosaveMs, save]);

  // Closing the tab with unsaved work: the browser asks first (and the local backup is kept).
  useEffect(() => {
    if (!dirty || !canEdit) return;
    const warn = (event: BeforeUnloadEvent) => {
      writeBackup(flowId, revision.current, store.get());
      event.preventDefault();
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty, canEdit, flowId, store]);

  /** Start again from what the server has (after a conflict, a restore or a reload). */
  const adopt = useCallback(
    (flow: FlowData, next: Draft, keepHistory: boolean) => {
      revision.current = flow.revision;
      saved.current = next;
      if (keepHistory) store.update(() => next);
      else store.reset(next);
      clearBackup(flowId);
      staleRef.current = false;
      setStale(false);
      setConflictOpen(false);
      setError("");
      setStatus("saved");
    },
    [flowId, store],
  );

  return {
    status: (dirty && status === "saved" ? "dirty" : status) as SaveStatus,
    error,
    savedAt,
    dirty,
    stale,
    conflictOpen,
    closeConflict: () => setConflictOpen(false),
    save,
    adopt,
    revision,
  };
}

export type Saving = ReturnType<typeof useSaving>;
export type { Diagnostic };
