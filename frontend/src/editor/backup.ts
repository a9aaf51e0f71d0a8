// A copy of the unsaved draft in this browser, so a crash or a closed tab loses nothing.
import type { Draft } from "./types";

export interface Backup {
  baseRevision: number;
  name: string;
  doc: Draft["doc"];
  at: string;
}

const key = (flowId: number) => `flowstudio.draft.${flowId}`;

export function readBackup(flowId: number): Backup | null {
  try {
    const raw = window.localStorage.getItem(key(flowId));
    if (!raw) return null;
    const value = JSON.parse(raw) as Backup;
    return value && typeof value.baseRevision === "number" && value.doc && Array.isArray(value.doc.steps) ? value : null;
  } catch {
    return null;
  }
}

/** Keep the draft in this browser; false when the browser refused (storage full or disabled). */
export function writeBackup(flowId: number, baseRevision: number, draft: Draft): boolean {
  try {
    const backup: Backup = { baseRevision, name: draft.name, doc: draft.doc, at: new Date().toISOString() };
    window.localStorage.setItem(key(flowId), JSON.stringify(backup));
    return true;
  } catch {
    // Storage full or disabled: the server copy and autosave still protect the work.
    return false;
  }
}

export function clearBackup(flowId: number): void {
  try {
    window.localStorage.removeItem(key(flowId));
  } catch {
    // ignore
  }
}
