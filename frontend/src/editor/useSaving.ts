// Saving: the Save button and Ctrl/Cmd+S, autosave, the local backup, stale-save (409) handling,
// and a flow too big to save (413): said once with its size and the limit, never retried as it is.
import { useCallback, useEffect, useRef, useState } from "react";
import type { Api } from "./api";
import { isApiError } from "./http";
import { clearBackup, writeBackup } from "./backup";
import { saveBytes, type TooLarge } from "./size";
import type { DraftStore } from "./store";
import type { Diagnostic, Draft, FlowData } from "./types";

export type SaveStatus = "saved" | "dirty" | "saving" | "error" | "conflict" | "too_large";

const BACKUP_DELAY_MS = 250;
const RETRY_MS = 10000;
// The size is measured this long after the last edit (a 5 MB flow takes tens of ms to serialise).
const MEASURE_MS = 600;

interface Options {
  api: Api;
  store: DraftStore;
  draft: Draft;
  flowId: number;
  canEdit: boolean;
  autosaveMs: number;
  baseRevision: number;
  savedDraft: Draft;
  /** The API's limit for a JSON body (config.maxBodyBytes); 0 when unknown. */
  limitBytes: number;
  onSaved: (flow: FlowData, sent: Draft) => void;
  /** The editor's first render is on screen (its ready mark): the size is measured from then on. */
  opened: boolean;
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
  // The bytes a save of the current draft sends, and the refusal of one that is too big.
  const [size, setSize] = useState<number | null>(null);
  const [tooLarge, setTooLarge] = useState<TooLarge | null>(null);
  const limit = useRef(o.limitBytes);
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
    const name = sent.name.trim() || "Untitled flow";
    const refuse = (bytes: number) => {
      setSize(bytes);
      setTooLarge({ size: bytes, limit: limit.current, backedUp: writeBackup(flowId, revision.current, sent) });
      setStatus("too_large");
      return false;
    };
    // A body over the limit cannot succeed: it is not sent.
    const bytes = limit.current ? saveBytes(revision.current, name, sent.doc) : 0;
    if (limit.current && bytes > limit.current) return refuse(bytes);
    const attempt = (async () => {
      setStatus("saving");
      try {
        const flow = await api.save(revision.current, name, sent.doc);
        revision.current = flow.revision;
        saved.current = sent;
        setError("");
        setTooLarge(null);
        setSavedAt(new Date());
        const clean = store.get() === sent;
        setStatus(clean ? "saved" : "dirty");
        if (clean) clearBackup(flowId);
        onSaved(flow, sent);
        return true;
      } catch (err) {
        // Only a stale revision is a conflict to resolve; an archived flow (flow_archived) or an
        // error without a known code shows its message.
        if (isApiError(err, "too_large")) {
          const told = Number(err.extra.limit_bytes);
          if (told > 0) limit.current = told;
          return refuse(bytes || saveBytes(revision.current, name, sent.doc));
        }
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
      setStatus((s) => (s === "dirty" || s === "too_large" ? "saved" : s));
      setTooLarge(null);
      clearBackup(flowId);
      return;
    }
    setStatus((s) => (s === "saved" ? "dirty" : s));
    // Not when the draft has become the saved one meanwhile without changing: a flow opened without
    // positions is laid out, then that same draft is adopted as saved (App.tsx), and this effect does
    // not run again to cancel the timer. A backup then "brought back" changes nobody made.
    const backup = window.setTimeout(() => {
      if (store.get() !== saved.current) writeBackup(flowId, revision.current, draft);
    }, BACKUP_DELAY_MS);
    return () => window.clearTimeout(backup);
  }, [draft, canEdit, flowId, store]);

  // The size, a little after the last edit, and once the editor has opened as soon as the page is
  // idle: for a 50,000-step flow the measure takes tens of ms, which the opening need not wait for
  // (nor measure a flow still waiting for its first layout, only to measure it again).
  const measured = useRef(false);
  useEffect(() => {
    if (!limit.current || !o.opened) return;
    const measure = () => setSize(saveBytes(revision.current, draft.name.trim() || "Untitled flow", draft.doc));
    if (!measured.current) {
      measured.current = true;
      if (!("requestIdleCallback" in window)) return void measure();
      const idle = window.requestIdleCallback(measure, { timeout: 1000 });
      return () => window.cancelIdleCallback(idle);
    }
    const timer = window.setTimeout(measure, MEASURE_MS);
    return () => window.clearTimeout(timer);
  }, [draft, o.opened]);

  // Too big: autosave waits until the draft is small enough again.
  const fits = size === null || !limit.current || size <= limit.current;
  useEffect(() => {
    if (!canEdit || !dirty || stale || status === "saving" || (status === "too_large" && !fits)) return;
    const delay = status === "error" ? RETRY_MS : autosaveMs;
    const timer = window.setTimeout(() => void save(), delay);
    return () => window.clearTimeout(timer);
  }, [draft, dirty, stale, status, canEdit, autosaveMs, save, fits]);

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
    size,
    limit: limit.current,
    tooLarge,
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
