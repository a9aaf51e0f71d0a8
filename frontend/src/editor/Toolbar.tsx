// The bar above the canvas: name, save state and the main actions.
import { useEffect, useRef, useState } from "react";
import { SizeMeter } from "./size";
import type { DraftStore } from "./store";
import type { SaveStatus } from "./useSaving";

const STATUS_TEXT: Record<SaveStatus, string> = {
  // Short, so that the toolbar stays on one line at 1280 px (tests/browser/test_editor_accessible.py).
  saved: "Saved",
  dirty: "Unsaved",
  saving: "Saving…",
  error: "Not saved yet — will retry",
  conflict: "Not saved: someone else saved",
  too_large: "Not saved: too big",
};

interface Props {
  name: string;
  store: DraftStore;
  listUrl: string;
  readOnly: boolean;
  status: SaveStatus;
  statusDetail: string;
  /** The bytes a save sends, and the most the server takes (the meter shows near the limit). */
  size: number | null;
  limit: number;
  canUndo: boolean;
  canRedo: boolean;
  latestVersion: number | null;
  /** Steps changed since the latest version (null: the draft is that version). */
  unpublished: number | null;
  busyLayout: boolean;
  countsOn: boolean;
  onToggleCounts: () => void;
  onCompare: () => void;
  onDiscard: () => void;
  onUndo: () => void;
  onRedo: () => void;
  onLayout: () => void;
  onImport: () => void;
  onDownload: () => void;
  onVersions: () => void;
  onShortcuts: () => void;
  onSave: () => void;
  onPublish: () => void;
  onTestCall: () => void;
}

export function Toolbar(p: Props) {
  return (
    <div className="fs-toolbar" role="toolbar" aria-label="Flow actions">
      <a className="fs-back" href={p.listUrl} title="All flows">
        ← Flows
      </a>
      <input
        className="fs-name"
        value={p.name}
        aria-label="Flow name"
        title={p.name}
        maxLength={200}
        readOnly={p.readOnly}
        onChange={(e) => p.store.update((d) => ({ ...d, name: e.target.value }), { tag: "flow-name" })}
      />
      {p.readOnly ? (
        <span className="badge text-bg-secondary">View only</span>
      ) : (
        <span className={`fs-status fs-status--${p.status}`} data-testid="save-status" data-status={p.status} title={p.statusDetail || undefined}>
          <span className="fs-dot" aria-hidden="true" />
          {STATUS_TEXT[p.status]}
        </span>
      )}
      {!p.readOnly && <SizeMeter size={p.size} limit={p.limit} />}
      <DraftState {...p} />

      <div className="fs-toolbar-actions">
        {!p.readOnly && (
          <div className="btn-group btn-group-sm" role="group" aria-label="Undo and redo">
            <button type="button" className="btn btn-light" onClick={p.onUndo} disabled={!p.canUndo} title="Undo (Ctrl/⌘+Z)" aria-label="Undo">
              ↶
            </button>
            <button type="button" className="btn btn-light" onClick={p.onRedo} disabled={!p.canRedo} title="Redo (Ctrl/⌘+Shift+Z)" aria-label="Redo">
              ↷
            </button>
          </div>
        )}
        <button type="button" className="btn btn-sm btn-light" onClick={p.onVersions}>
          Versions
        </button>
        {p.latestVersion !== null && (
          <button
            type="button" className={`btn btn-sm ${p.countsOn ? "btn-secondary" : "btn-light"}`} aria-pressed={p.countsOn}
            onClick={p.onToggleCounts} title={`Show how many calls of version ${p.latestVersion} reached each step`}
          >
            Counts
          </button>
        )}
        <MoreMenu {...p} />
        {!p.readOnly && (
          <>
            <button type="button" className="btn btn-sm btn-light fs-test-call-button" onClick={p.onTestCall} title="Call a phone now with this flow">
              <span aria-hidden="true">☎</span> Test call
            </button>
            <button type="button" className="btn btn-sm btn-outline-primary" onClick={p.onSave} disabled={p.status === "saving"} title="Save (Ctrl/⌘+S)">
              Save
            </button>
            <button type="button" className="btn btn-sm btn-primary" onClick={p.onPublish}>
              Publish
            </button>
          </>
        )}
      </div>
    </div>
  );
}

function steps(n: number): string {
  return n === 1 ? "1 step" : `${n} steps`;
}

/** "Published: version 2", or "Changes not published: 3 steps" with a link to the comparison. */
function DraftState(p: Props) {
  if (!p.latestVersion) return <span className="fs-version small text-muted" data-testid="draft-state">Not published yet</span>;
  if (p.unpublished === null) {
    return <span className="fs-version small text-muted" data-testid="draft-state">Published: version {p.latestVersion}</span>;
  }
  return (
    <span className="fs-version fs-version--changed small" data-testid="draft-state" data-unpublished={p.unpublished}>
      <span aria-hidden="true">✎ </span>
      Changes not published{p.unpublished ? `: ${steps(p.unpublished)}` : ""}
      <button type="button" className="btn btn-link btn-sm p-0 ms-1 align-baseline" onClick={p.onCompare}>See changes</button>
      {!p.readOnly && (
        <button type="button" className="btn btn-link btn-sm p-0 ms-2 align-baseline text-secondary" onClick={p.onDiscard}
          title={`Put version ${p.latestVersion} back into the draft (you can undo this)`} aria-label="Discard changes">
          Discard
        </button>
      )}
    </span>
  );
}

/** The actions used less often, behind "More" so that the toolbar stays on one line at 1280 px. */
function MoreMenu(p: Props) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (event: Event) => {
      if (event instanceof KeyboardEvent ? event.key === "Escape" : !box.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("pointerdown", close);
      document.removeEventListener("keydown", close);
    };
  }, [open]);
  const run = (action: () => void) => () => {
    setOpen(false);
    action();
  };
  return (
    <div className="fs-more" ref={box}>
      <button type="button" className="btn btn-sm btn-light" aria-expanded={open} aria-controls="fs-more-actions" onClick={() => setOpen((o) => !o)}>
        More <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div className="fs-more-menu shadow-sm" id="fs-more-actions">
          {!p.readOnly && (
            <button type="button" className="fs-more-item" onClick={run(p.onLayout)} disabled={p.busyLayout} title="Arrange the steps neatly, top to bottom">
              {p.busyLayout ? "Arranging…" : "Tidy up"}
            </button>
          )}
          {!p.readOnly && (
            <button type="button" className="fs-more-item" onClick={run(p.onImport)}>
              Import
            </button>
          )}
          <button type="button" className="fs-more-item" onClick={run(p.onDownload)} title="Download the JSON Samespace needs">
            Download JSON
          </button>
          <button type="button" className="fs-more-item" onClick={run(p.onShortcuts)}>
            Keyboard shortcuts <kbd>?</kbd>
          </button>
        </div>
      )}
    </div>
  );
}
