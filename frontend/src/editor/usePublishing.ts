// Publishing and the versions: publish, prepare a test call, restore a version, discard the draft,
// and take the server's copy after a conflict.
import { useCallback, useState } from "react";
import type { Api } from "./api";
import { clearBackup } from "./backup";
import { isApiError } from "./http";
import type { Notice } from "./Notice";
import { normalise } from "./normalise";
import { publishTestsNote } from "./Simulator";
import type { DraftStore } from "./store";
import type { Prepared } from "./TestCall";
import type { Diagnostic, EditorConfig, FlowData, FlowDocument, Schemas, VersionSummary } from "./types";
import type { Saving } from "./useSaving";

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

interface Options {
  api: Api;
  config: EditorConfig;
  flow: FlowData;
  store: DraftStore;
  saving: Saving;
  latestVersion: number | null;
  setLatestVersion: (n: number | null) => void;
  setUnpublished: (n: number | null) => void;
  setDiagnostics: (d: Diagnostic[]) => void;
  setNotice: (n: Notice | null) => void;
  /** Close the dialog and clear the selection: the draft was replaced. */
  onReplaced: () => void;
  /** The document with every step placed (some have no position: a flow never laid out). */
  layOut: (doc: FlowDocument) => Promise<FlowDocument>;
  closeDialog: () => void;
  closeCompare: () => void;
}

export function usePublishing(o: Options) {
  const { api, config, flow, store, saving, latestVersion, setLatestVersion, setUnpublished, setDiagnostics, setNotice, onReplaced, layOut, closeDialog, closeCompare } = o;

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
  }, [api, setDiagnostics, setLatestVersion, setUnpublished]);

  const publish = useCallback(async (note: string) => {
    if (saving.dirty && !(await saving.save())) throw new Error("The latest changes couldn't be saved, so nothing was published.");
    const version = await publishSaved(note);
    if (!version) return;
    closeDialog();
    const tests = publishTestsNote(version);
    setNotice({ kind: tests.warning ? "warning" : "success", text: `Published version ${version.number}. Calls can use it now.${tests.text}` });
  }, [saving, publishSaved, closeDialog, setNotice]);

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

  // A flow saved without positions is laid out before it becomes the draft, as when it opens
  // (App.tsx): the positions are then part of the saved state, not an unsaved change, and undo goes
  // straight back to the draft before.
  const adoptFlow = useCallback(async (f: FlowData, keepHistory: boolean) => {
    const result = normalise(f.document);
    if ("error" in result) throw new Error(result.error);
    const doc = result.laidOut ? result.doc : await layOut(result.doc);
    saving.adopt(f, { name: f.name, doc }, keepHistory);
    setDiagnostics(f.diagnostics ?? []);
    setLatestVersion(f.latest_version ?? null);
    setUnpublished(f.unpublished_steps ?? null);
  }, [saving, setDiagnostics, setLatestVersion, setUnpublished, layOut]);

  const restore = useCallback(async (n: number) => {
    const f = await api.restore(n, saving.revision.current);
    await adoptFlow(f, true);
    onReplaced();
    setNotice({ kind: "success", text: `Version ${n} is now the draft. Undo (Ctrl/⌘+Z) brings your previous draft back.` });
  }, [api, saving, adoptFlow, onReplaced, setNotice]);

  // Opening the publish dialog saves first, so that what it lists is what will be published.
  const [publishChanges, setPublishChanges] = useState<Promise<Schemas["FlowDiff"]> | null>(null);
  const preparePublish = useCallback(async () => {
    if (saving.dirty) await saving.save();
    setPublishChanges(latestVersion ? api.diff(latestVersion, "draft") : null);
  }, [api, saving, latestVersion]);

  const discard = useCallback(async () => {
    try {
      if (saving.dirty && !(await saving.save())) throw new Error("Your latest changes couldn't be saved, so nothing was discarded.");
      await adoptFlow(await api.discard(saving.revision.current), true);
      onReplaced();
      closeCompare();
      setNotice({ kind: "success", text: `The draft is version ${latestVersion} again. Undo (Ctrl/⌘+Z) brings your changes back.` });
    } catch (err) {
      setNotice({ kind: "danger", text: err instanceof Error ? err.message : String(err) });
    }
  }, [api, saving, adoptFlow, latestVersion, onReplaced, closeCompare, setNotice]);

  const reloadTheirs = useCallback(async () => {
    try {
      await adoptFlow(await api.get(), false);
      onReplaced();
      setNotice({ kind: "info", text: "Showing the latest saved version." });
    } catch (err) {
      setNotice({ kind: "danger", text: err instanceof Error ? err.message : String(err) });
    }
  }, [api, adoptFlow, onReplaced, setNotice]);

  const keepCopy = useCallback(async () => {
    const mine = store.get();
    const copy = await api.createCopy(`${mine.name} (my copy)`, mine.doc, flow.team);
    clearBackup(config.flowId);
    window.location.assign(`${config.listUrl}${copy.id}/edit`);
  }, [api, store, flow, config]);

  return { publish, prepareTestCall, restore, publishChanges, preparePublish, discard, reloadTheirs, keepCopy };
}
