// The palette, the problems list and the inspector's other states (flow settings, a group).
import { useState, type DragEvent } from "react";
import { blockFor } from "./blocks";
import { BLOCKS } from "./registry";
import { BLOCK_MIME } from "./Canvas";
import type { DraftStore } from "./store";
import type { Diagnostic, FlowDocument } from "./types";

export function Palette({ onAdd }: { onAdd: (type: string) => void }) {
  const onDragStart = (event: DragEvent, type: string) => {
    event.dataTransfer.setData(BLOCK_MIME, type);
    event.dataTransfer.effectAllowed = "copy";
  };
  return (
    <aside className="fs-palette" aria-label="Blocks">
      <div className="fs-panel-title">Blocks</div>
      <p className="fs-palette-hint">Drag onto the canvas, or click to add.</p>
      {BLOCKS.map((block) => (
        <button
          key={block.type}
          type="button"
          className={`fs-palette-item fs-palette-item--${block.type}`}
          draggable
          onDragStart={(e) => onDragStart(e, block.type)}
          onClick={() => onAdd(block.type)}
          data-block={block.type}
          title={block.blurb}
        >
          <span className={`fs-type-chip fs-type-chip--${block.type}`} aria-hidden="true">
            {block.icon}
          </span>
          <span className="fs-palette-text">
            <span className="fs-palette-name">{block.title}</span>
            <span className="fs-palette-blurb">{block.blurb}</span>
          </span>
        </button>
      ))}
    </aside>
  );
}

function stepName(doc: FlowDocument, id: string | null): string {
  if (id === null) return "The flow";
  const label = doc.layout[id]?.label;
  const step = doc.steps.find((s) => s.id === id);
  const title = step ? blockFor(step)?.title ?? step.type : "";
  return label ? `${label} (step ${id})` : title ? `Step ${id} · ${title}` : `Step ${id}`;
}

interface ProblemsProps {
  doc: FlowDocument;
  diagnostics: Diagnostic[];
  checking: boolean;
  checkFailed: boolean;
  /** The check was refused as too large (413), or not sent because the flow is over the limit. */
  tooLarge: boolean;
  onPick: (d: Diagnostic) => void;
}

const PROBLEMS_KEY = "flowstudio.problems.open";

/** Whether the problems list was left open (it starts as one line, so the canvas keeps its room). */
function problemsOpen(): boolean {
  try {
    return window.localStorage.getItem(PROBLEMS_KEY) === "1";
  } catch {
    return false;
  }
}

export function ProblemsPanel({ doc, diagnostics, checking, checkFailed, tooLarge, onPick }: ProblemsProps) {
  const [open, setOpenState] = useState(problemsOpen);
  const setOpen = (toggle: (open: boolean) => boolean) => {
    const next = toggle(open);
    setOpenState(next);
    try {
      window.localStorage.setItem(PROBLEMS_KEY, next ? "1" : "0");
    } catch {
      // only a comfort
    }
  };
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  let summary: string;
  if (doc.steps.length === 0) summary = "Add a Call block to start your flow";
  else if (!diagnostics.length) summary = "No problems: this flow is ready to publish";
  else {
    const parts = [];
    if (errors) parts.push(`${errors} problem${errors === 1 ? "" : "s"} to fix`);
    if (warnings) parts.push(`${warnings} warning${warnings === 1 ? "" : "s"}`);
    summary = parts.join(", ");
  }
  return (
    <section className={`fs-problems${open ? " is-open" : ""}`} aria-label="Problems" data-testid="problems">
      <button type="button" className="fs-problems-head" onClick={() => setOpen((o) => !o)} aria-expanded={open}>
        <span className={`fs-dot fs-dot--${errors ? "error" : warnings ? "warning" : "ok"}`} aria-hidden="true" />
        <span className="fs-problems-summary" data-testid="problems-summary" data-errors={errors} data-warnings={warnings}>
          {summary}
        </span>
        {checking && <span className="fs-checking">checking…</span>}
        {checkFailed && !checking && !tooLarge && <span className="fs-checking text-danger">couldn't check just now</span>}
        {tooLarge && !checking && <span className="fs-checking text-danger" data-testid="too-big-to-check">too big to check: make the flow smaller</span>}
        <span className="fs-problems-toggle">{open ? "Hide" : diagnostics.length ? "Show" : ""}</span>
      </button>
      {open && diagnostics.length > 0 && (
        <ul className="fs-problems-list list-unstyled mb-0">
          {diagnostics.map((d, i) => (
            <li key={`${d.code}-${d.step}-${d.field}-${i}`}>
              <button
                type="button"
                className={`fs-problem fs-problem--${d.severity}`}
                onClick={() => onPick(d)}
                data-code={d.code}
                data-step={d.step ?? ""}
              >
                <span className={`fs-problem-icon fs-problem-icon--${d.severity}`} aria-label={d.severity}>
                  {d.severity === "error" ? "✕" : "!"}
                </span>
                <span className="fs-problem-where">{stepName(doc, d.step)}</span>
                <span className="fs-problem-message">{d.message}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function FlowPanel({ store, doc, name, readOnly }: { store: DraftStore; doc: FlowDocument; name: string; readOnly: boolean }) {
  return (
    <div className="fs-inspector-body">
      <div className="fs-panel-title">This flow</div>
      <div className="fs-field">
        <label className="form-label" htmlFor="flow-name">
          Name
        </label>
        <input
          id="flow-name"
          className="form-control form-control-sm"
          value={name}
          maxLength={200}
          readOnly={readOnly}
          onChange={(e) => store.update((d) => ({ ...d, name: e.target.value }), { tag: "flow-name" })}
        />
      </div>
      <div className="form-check form-switch fs-field">
        <input
          id="flow-record"
          className="form-check-input"
          type="checkbox"
          role="switch"
          checked={!!doc.settings.record}
          disabled={readOnly}
          onChange={(e) => store.updateDoc((d) => ({ ...d, settings: { ...d.settings, record: e.target.checked } }))}
        />
        <label className="form-check-label" htmlFor="flow-record">
          Record calls
        </label>
        <div className="form-text">Samespace records the calls placed with this flow.</div>
      </div>
      <div className="fs-tips">
        <div className="fw-semibold mb-1">How to build a flow</div>
        <ol className="ps-3 mb-2">
          <li>Start with a <b>Call</b> block: it dials the number.</li>
          <li>Add what happens next: play a message, collect keypresses, ask your system, connect to someone.</li>
          <li>Drag from a dot at the bottom of a step to the top of the next one to connect them.</li>
          <li>Click a step to fill in its details. Problems show up below as you go.</li>
        </ol>
        <div className="small text-muted">
          {doc.steps.length} step{doc.steps.length === 1 ? "" : "s"}. Press <kbd>?</kbd> for keyboard shortcuts.
        </div>
      </div>
    </div>
  );
}

export function GroupPanel(props: { count: number; edges: number; readOnly: boolean; onDuplicate: () => void; onDelete: () => void; onCopy: () => void }) {
  const { count, edges } = props;
  return (
    <div className="fs-inspector-body">
      <div className="fs-panel-title">
        {count > 0 ? `${count} step${count === 1 ? "" : "s"} selected` : `${edges} connection${edges === 1 ? "" : "s"} selected`}
      </div>
      <p className="small text-muted">
        {count > 0
          ? "Drag any of them to move them together. Copies get new ids; links between the copied steps are kept."
          : "Delete a connection to end the call at that point, or drag its end to another step."}
      </p>
      {!props.readOnly && (
        <div className="d-flex flex-wrap gap-2">
          {count > 0 && (
            <>
              <button type="button" className="btn btn-sm btn-outline-secondary" onClick={props.onCopy}>
                Copy
              </button>
              <button type="button" className="btn btn-sm btn-outline-secondary" onClick={props.onDuplicate}>
                Duplicate
              </button>
            </>
          )}
          <button type="button" className="btn btn-sm btn-outline-danger" onClick={props.onDelete}>
            Delete
          </button>
        </div>
      )}
    </div>
  );
}
