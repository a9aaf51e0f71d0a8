// Dialogs: conflict, publish, versions, import and keyboard shortcuts (the test call has TestCall.tsx).
import { useEffect, useRef, useState, type ReactNode } from "react";
import type { Api } from "./api";
import { ApiError } from "./http";
import { normalise, parseJson, type Normalised } from "./normalise";
import type { Diagnostic, Schemas, VersionListItem, VersionSummary } from "./types";

export function Modal(props: { title: string; onClose: () => void; children: ReactNode; footer?: ReactNode; size?: "lg"; testid?: string }) {
  const root = useRef<HTMLDivElement>(null);
  const { onClose } = props;
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    // React's autoFocus has already run for fields that ask for it; otherwise focus the first control.
    if (!root.current?.contains(document.activeElement)) {
      const body = root.current?.querySelector(".modal-body");
      (body?.querySelector<HTMLElement>("textarea, input, select, button") ?? root.current?.querySelector<HTMLElement>(".modal-footer button, button"))?.focus();
    }
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        e.stopPropagation();
        onClose();
      }
    };
    window.addEventListener("keydown", onKey, true);
    return () => {
      window.removeEventListener("keydown", onKey, true);
      previous?.focus?.();
    };
  }, [onClose]);
  return (
    <>
      <div className="modal-backdrop show" />
      <div className="modal d-block" role="dialog" aria-modal="true" aria-label={props.title} data-testid={props.testid} onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
        <div className={`modal-dialog modal-dialog-centered modal-dialog-scrollable${props.size ? ` modal-${props.size}` : ""}`} ref={root}>
          <div className="modal-content">
            <div className="modal-header">
              <h2 className="modal-title h5">{props.title}</h2>
              <button type="button" className="btn-close" aria-label="Close" onClick={onClose} />
            </div>
            <div className="modal-body">{props.children}</div>
            {props.footer && <div className="modal-footer">{props.footer}</div>}
          </div>
        </div>
      </div>
    </>
  );
}

export function ConflictDialog(props: { onReload: () => void; onKeepCopy: () => Promise<void>; onLater: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const keep = async () => {
    setBusy(true);
    setError("");
    try {
      await props.onKeepCopy();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <Modal
      title="Someone else saved this flow"
      onClose={props.onLater}
      testid="conflict-dialog"
      footer={
        <>
          <button type="button" className="btn btn-link text-secondary me-auto" onClick={props.onLater}>
            Decide later
          </button>
          <button type="button" className="btn btn-outline-danger" onClick={props.onReload} disabled={busy}>
            Reload their version
          </button>
          <button type="button" className="btn btn-primary" onClick={keep} disabled={busy}>
            {busy ? "Saving a copy…" : "Keep mine as a copy"}
          </button>
        </>
      }
    >
      <p>
        While you were editing, this flow was saved from another tab or by a teammate. To avoid overwriting their work,
        <b> your changes were not saved</b>.
      </p>
      <ul className="small">
        <li>
          <b>Reload their version</b> shows what was saved. Your unsaved changes are dropped.
        </li>
        <li>
          <b>Keep mine as a copy</b> saves what you see now as a new flow and opens it. Their version stays as it is.
        </li>
      </ul>
      {error && <div className="alert alert-danger py-2 mb-0">{error}</div>}
    </Modal>
  );
}

/** The problems that stop a publish, each a button that goes to its step (publish and test call dialogs). */
export function PublishProblems(props: { errors: Diagnostic[]; describe: (d: Diagnostic) => string; onPick: (d: Diagnostic) => void }) {
  return (
    <ul className="list-unstyled fs-publish-problems">
      {props.errors.map((d, i) => (
        <li key={i}>
          <button type="button" className="fs-problem fs-problem--error" onClick={() => props.onPick(d)}>
            <span className="fs-problem-icon fs-problem-icon--error">✕</span>
            <span className="fs-problem-where">{props.describe(d)}</span>
            <span className="fs-problem-message">{d.message}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}

export function PublishDialog(props: {
  errors: Diagnostic[];
  describe: (d: Diagnostic) => string;
  onPick: (d: Diagnostic) => void;
  onPublish: (note: string) => Promise<void>;
  onClose: () => void;
  /** What publishing changes against the latest version (null: nothing published yet). */
  changes: Promise<Schemas["FlowDiff"]> | null;
}) {
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [summary, setSummary] = useState<string | null>(null);
  const blocked = props.errors.length > 0;
  const { changes } = props;
  useEffect(() => {
    let live = true;
    changes
      ?.then((diff) => {
        if (!live) return;
        setSummary(diff.summary_line);
        setNote((typed) => typed || diff.summary_line); // a proposed note; the person may change it
      })
      .catch(() => undefined); // the dialog works without it
    return () => {
      live = false;
    };
  }, [changes]);
  const publish = async () => {
    setBusy(true);
    setError("");
    try {
      await props.onPublish(note.trim());
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <Modal
      title={blocked ? "Fix these problems before publishing" : "Publish this flow"}
      onClose={props.onClose}
      testid="publish-dialog"
      footer={
        <>
          <button type="button" className="btn btn-link text-secondary" onClick={props.onClose}>
            {blocked ? "Close" : "Cancel"}
          </button>
          {!blocked && (
            <button type="button" className="btn btn-primary" onClick={publish} disabled={busy}>
              {busy ? "Publishing…" : "Publish"}
            </button>
          )}
        </>
      }
    >
      {blocked ? (
        <>
          <p>Calls can only use a flow without problems. Click one to go to it:</p>
          <PublishProblems errors={props.errors} describe={props.describe} onPick={props.onPick} />
        </>
      ) : (
        <>
          <p>
            Publishing freezes what you see now as a new version. Calls and campaigns use published versions, so you can keep
            editing the draft safely.
          </p>
          {summary !== null && (
            <p data-testid="publish-changes">
              <span aria-hidden="true">✎ </span>What callers get that the latest version does not have: <strong>{summary}</strong>.
            </p>
          )}
          <label className="form-label" htmlFor="publish-note">
            What changed? <span className="text-muted">(optional)</span>
          </label>
          <input
            id="publish-note"
            className="form-control"
            maxLength={500}
            value={note}
            placeholder="New greeting for the spring campaign"
            onChange={(e) => setNote(e.target.value)}
            onKeyDown={(e) => e.key === "Enter" && !busy && publish()}
            autoFocus
          />
        </>
      )}
      {error && <div className="alert alert-danger py-2 mt-3 mb-0">{error}</div>}
    </Modal>
  );
}

function who(v: VersionSummary): string {
  return v.created_by || "someone";
}

export function VersionsDialog(props: {
  api: Api;
  canEdit: boolean;
  onRestore: (n: number) => Promise<void>;
  onCompare: (n: number) => void;
  onClose: () => void;
}) {
  const [versions, setVersions] = useState<VersionListItem[] | null>(null);
  const [error, setError] = useState("");
  const [confirm, setConfirmed] = useState<number | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const setConfirm = (n: number | null) => {
    setConfirmed(n);
    setPreview(null);
    if (n !== null) {
      props.api.diff("draft", n).then((d) => setPreview(d.summary_line), (err: ApiError) => setError(err.message));
    }
  };
  const [busy, setBusy] = useState(false);
  const { api } = props;
  useEffect(() => {
    api
      .versions()
      .then(setVersions)
      .catch((err: ApiError) => setError(err.message));
  }, [api]);
  const restore = async (n: number) => {
    setBusy(true);
    setError("");
    try {
      await props.onRestore(n);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <Modal title="Published versions" onClose={props.onClose} size="lg" testid="versions-dialog">
      {error && <div className="alert alert-danger py-2">{error}</div>}
      {versions === null && !error && <p className="text-muted">Loading…</p>}
      {versions && versions.length === 0 && (
        <p className="text-muted mb-0">Nothing published yet. When the flow has no problems, click Publish to make a version calls can use.</p>
      )}
      {versions && versions.length > 0 && (
        <ul className="list-group fs-versions">
          {versions.map((v) => (
            <li key={v.number} className="list-group-item d-flex align-items-center gap-3" data-version={v.number}>
              <span className="badge rounded-pill text-bg-light border">v{v.number}</span>
              <div className="flex-grow-1">
                <div>{v.note || <span className="text-muted">No note</span>}</div>
                <div className="small text-muted">
                  {who(v)} · {new Date(v.created_at).toLocaleString()}
                </div>
                <div className="small fs-version-changes" data-testid="version-changes">{v.change_summary}</div>
              </div>
              {props.canEdit &&
                (confirm === v.number ? (
                  <span className="d-flex gap-1 align-items-center" data-testid="restore-confirm">
                    <span className="small">
                      {preview === null ? "Checking what would change…" : preview === "No changes" ? "The draft is already this version." : `This changes the draft: ${preview}.`}{" "}
                      Replace the draft?
                    </span>
                    <button type="button" className="btn btn-sm btn-primary" disabled={busy} onClick={() => restore(v.number)}>
                      Yes, restore
                    </button>
                    <button type="button" className="btn btn-sm btn-link text-secondary" onClick={() => setConfirm(null)}>
                      No
                    </button>
                  </span>
                ) : (
                  <button type="button" className="btn btn-sm btn-outline-secondary" onClick={() => setConfirm(v.number)}>
                    Restore to draft
                  </button>
                ))}
              <button type="button" className="btn btn-sm btn-link" onClick={() => props.onCompare(v.number)}>
                Compare with draft
              </button>
            </li>
          ))}
        </ul>
      )}
      <p className="small text-muted mt-3 mb-0">Restoring copies a version into the draft. Published versions never change, and you can undo a restore.</p>
    </Modal>
  );
}

export function ImportDialog(props: { onImport: (result: Normalised) => void; onClose: () => void }) {
  const [text, setText] = useState("");
  const [error, setError] = useState("");
  const readFile = (file: File | undefined) => {
    if (!file) return;
    file.text().then(setText, () => setError("This file could not be read."));
  };
  const submit = () => {
    const parsed = parseJson(text);
    if ("error" in parsed) return setError(parsed.error);
    const result = normalise(parsed.value);
    if ("error" in result) return setError(result.error);
    props.onImport(result);
  };
  return (
    <Modal
      title="Import a Samespace flow"
      onClose={props.onClose}
      size="lg"
      testid="import-dialog"
      footer={
        <>
          <button type="button" className="btn btn-link text-secondary" onClick={props.onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" onClick={submit}>
            Replace the canvas
          </button>
        </>
      }
    >
      <p className="small text-muted">
        Paste the JSON you send to Samespace (or a list of steps, or a flow downloaded from FlowStudio). It replaces what is on the
        canvas; you can undo it. Flows without positions are arranged automatically.
      </p>
      <textarea
        className={`form-control font-monospace fs-import-text${error ? " is-invalid" : ""}`}
        rows={10}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setError("");
        }}
        placeholder='{"cloud_id": "…", "auth_token": "…", "flow": [ … ]}'
        aria-label="Flow JSON"
        autoFocus
      />
      {error && <div className="invalid-feedback d-block">{error}</div>}
      <div className="mt-2">
        <label className="form-label small mb-1" htmlFor="import-file">
          …or choose a file
        </label>
        <input id="import-file" className="form-control form-control-sm" type="file" accept=".json,application/json" onChange={(e) => readFile(e.target.files?.[0])} />
      </div>
    </Modal>
  );
}

const SHORTCUTS: [string, string][] = [
  ["Ctrl/⌘ + S", "Save now"],
  ["Ctrl/⌘ + Z", "Undo"],
  ["Ctrl/⌘ + Shift + Z  or  Ctrl + Y", "Redo"],
  ["Ctrl/⌘ + C, then Ctrl/⌘ + V", "Copy and paste steps"],
  ["Ctrl/⌘ + D", "Duplicate the selected steps"],
  ["Delete or Backspace", "Delete the selected steps or connections"],
  ["Ctrl/⌘ + A", "Select every step"],
  ["Shift + drag on the canvas", "Select several steps"],
  ["Shift or Ctrl/⌘ + click", "Add a step to the selection"],
  ["Space + drag, or scroll", "Move around"],
  ["Ctrl/⌘ + scroll, or pinch", "Zoom"],
  ["Escape", "Clear the selection"],
  ["?", "Show this list"],
];

export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose} testid="shortcuts-dialog">
      <table className="table table-sm mb-0">
        <tbody>
          {SHORTCUTS.map(([keys, what]) => (
            <tr key={keys}>
              <td className="text-nowrap">
                <kbd>{keys}</kbd>
              </td>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}
