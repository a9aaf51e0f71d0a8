// The side panel: a form for the selected step, or the flow's own settings.
import { useEffect, useMemo, useRef, useState } from "react";
import { blockFor, isBranching, outputsOf, summaryOf } from "./blocks";
import {
  addDigitKey,
  connect,
  freeDigitKeys,
  removeDigitKey,
  renameStep,
  setField,
  setLayout,
  targetOf,
  upstreamVariables,
} from "./doc";
import { displayValue, FieldInput } from "./Fields";
import type { DraftStore } from "./store";
import type { Diagnostic, FlowDocument, Step } from "./types";

const KNOWN_FIELDS = new Set(["id", "type", "next_step", "number", "caller_id", "text", "url", "count", "variable", "method"]);

export interface FocusRequest {
  step: string;
  field: string | null;
  nonce: number;
}

interface StepProps {
  doc: FlowDocument;
  step: Step;
  index: number;
  store: DraftStore;
  problems: Diagnostic[];
  readOnly: boolean;
  contactFields: string[];
  focus: FocusRequest | null;
  onRenamed: (from: string, to: string) => void;
  onMakeStart: (id: string) => void;
  onDuplicate: () => void;
  onDelete: () => void;
}

function stepOptionLabel(step: Step, label?: string): string {
  const block = blockFor(step);
  const name = label || block?.title || step.type;
  const line = summaryOf(step).lines[0] ?? "";
  const text = `${step.id} · ${name}${label ? "" : line ? ` — ${line}` : ""}`;
  return text.length > 60 ? text.slice(0, 59) + "…" : text;
}

function TargetSelect(props: {
  doc: FlowDocument;
  step: Step;
  outKey: string;
  title: string;
  /** The output's words from the registry ("any other key", "if it works"). */
  label: string;
  readOnly: boolean;
  invalid: boolean;
  onChange: (target: string | null) => void;
  onRemove?: () => void;
}) {
  const { doc, step, outKey, readOnly } = props;
  const target = targetOf(step, outKey);
  const exists = target === null || doc.steps.some((s) => s.id === target);
  const field = outKey === "next" ? "next_step" : `next_step.${outKey}`;
  return (
    <div className="fs-branch">
      <label className="fs-branch-key" htmlFor={`branch-${outKey}`} title={props.title}>
        {outKey === "next" ? "Then" : props.label}
      </label>
      <select
        id={`branch-${outKey}`}
        className={`form-select form-select-sm${props.invalid ? " is-invalid" : ""}`}
        value={target ?? ""}
        disabled={readOnly}
        data-field={field}
        aria-label={props.title}
        onChange={(e) => props.onChange(e.target.value || null)}
      >
        <option value="">End the call</option>
        {!exists && <option value={target ?? ""}>{`Step ${target} (missing)`}</option>}
        {doc.steps.map((s) => (
          <option key={s.id} value={s.id}>
            {stepOptionLabel(s, doc.layout[s.id]?.label)}
          </option>
        ))}
      </select>
      {props.onRemove && !readOnly && (
        <button type="button" className="btn btn-sm btn-link text-danger px-1" onClick={props.onRemove} title={`Remove key ${outKey}`}>
          ✕
        </button>
      )}
    </div>
  );
}

export function StepInspector(props: StepProps) {
  const { doc, step, store, problems, readOnly } = props;
  const block = blockFor(step);
  const layout = doc.layout[step.id];
  const root = useRef<HTMLDivElement>(null);
  const [idDraft, setIdDraft] = useState(step.id);
  const [idError, setIdError] = useState("");
  useEffect(() => {
    setIdDraft(step.id);
    setIdError("");
  }, [step.id]);

  const variables = useMemo(() => upstreamVariables(doc, step.id), [doc, step.id]);
  const invalidFields = new Set(problems.filter((p) => p.severity === "error" && p.field).map((p) => p.field as string));

  const focus = props.focus;
  useEffect(() => {
    if (!focus || focus.step !== step.id || !root.current) return;
    const candidates = focus.field ? [focus.field, focus.field.split(".")[0]] : [];
    let el: HTMLElement | null = null;
    for (const name of candidates) {
      el = root.current.querySelector<HTMLElement>(`[data-field="${CSS.escape(name)}"]`);
      if (el) break;
    }
    el ??= root.current.querySelector<HTMLElement>("input, textarea, select");
    el?.scrollIntoView({ block: "nearest" });
    el?.focus();
  }, [focus, step.id]);

  const update = (field: string, value: unknown) =>
    store.updateDoc((d) => setField(d, step.id, field, value), { tag: `field:${step.id}:${field}` });
  const setBranch = (key: string, target: string | null) => store.updateDoc((d) => connect(d, step.id, key, target));
  const commitId = () => {
    const result = renameStep(store.get().doc, step.id, idDraft);
    if (typeof result === "string") {
      setIdError(result);
      return;
    }
    setIdError("");
    if (result !== store.get().doc) {
      const from = step.id;
      store.updateDoc(() => result);
      props.onRenamed(from, idDraft.trim());
    }
  };

  const outputs = outputsOf(step, layout);
  const freeKeys = step.type === "digits" ? freeDigitKeys(step, layout) : [];
  const extraFields = Object.keys(step).filter((k) => !KNOWN_FIELDS.has(k));
  const isStart = props.index === 0;

  return (
    <div className="fs-inspector-body" ref={root} data-inspector-step={step.id}>
      <div className="fs-inspector-head">
        <span className={`fs-type-chip fs-type-chip--${block ? step.type : "unknown"}`}>{block?.icon ?? "?"}</span>
        <div className="flex-grow-1">
          <div className="fw-semibold">{block?.title ?? `Unknown block “${step.type}”`}</div>
          <div className="small text-muted">{block?.blurb ?? "Samespace may not understand this step. Replace it with one of the five blocks."}</div>
        </div>
      </div>

      {problems.length > 0 && (
        <ul className="fs-step-problems list-unstyled">
          {problems.map((p, i) => (
            <li key={i} className={`fs-step-problem fs-step-problem--${p.severity}`}>
              {p.message}
            </li>
          ))}
        </ul>
      )}

      <div className="fs-start-row">
        {isStart ? (
          <span className="badge text-bg-primary">▶ The call starts here</span>
        ) : step.type === "call" ? (
          <button type="button" className="btn btn-sm btn-outline-primary" disabled={readOnly} onClick={() => props.onMakeStart(step.id)}>
            ▶ Make this the start
          </button>
        ) : (
          <span className="small text-muted">Only a Call step can start the flow.</span>
        )}
      </div>

      <div className="fs-field">
        <label className="form-label" htmlFor="field-label">
          Label <span className="text-muted fw-normal">(shown on the canvas)</span>
        </label>
        <input
          id="field-label"
          className="form-control form-control-sm"
          value={layout?.label ?? ""}
          placeholder={block?.title}
          readOnly={readOnly}
          data-field="label"
          onChange={(e) =>
            store.updateDoc((d) => setLayout(d, step.id, { label: e.target.value }), { tag: `label:${step.id}` })
          }
        />
      </div>

      {block?.fields.map((spec) => (
        <FieldInput
          key={spec.name}
          spec={spec}
          value={step[spec.name]}
          onChange={(value) => update(spec.name, value)}
          readOnly={readOnly}
          invalid={invalidFields.has(spec.name)}
          variables={variables}
          contactFields={props.contactFields}
        />
      ))}

      <div className="fs-field" data-field="next_step" tabIndex={-1}>
        <div className="form-label">{isBranching(step) ? "Where to go next" : "Next step"}</div>
        {outputs.map((out) => (
          <TargetSelect
            key={out.key}
            doc={doc}
            step={step}
            outKey={out.key}
            title={out.title}
            label={out.label}
            readOnly={readOnly}
            invalid={invalidFields.has(out.key === "next" ? "next_step" : `next_step.${out.key}`)}
            onChange={(target) => setBranch(out.key, target)}
            onRemove={step.type === "digits" && out.key !== "*" ? () => store.updateDoc((d) => removeDigitKey(d, step.id, out.key)) : undefined}
          />
        ))}
        {step.type === "digits" && !readOnly && freeKeys.length > 0 && (
          <div className="fs-add-key">
            <select
              className="form-select form-select-sm"
              aria-label="Add a key"
              value=""
              onChange={(e) => e.target.value && store.updateDoc((d) => addDigitKey(d, step.id, e.target.value))}
            >
              <option value="">+ Add a key…</option>
              {freeKeys.map((k) => (
                <option key={k} value={k}>
                  Key {k}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="form-text">
          {step.type === "digits"
            ? "* catches any other key. Add keys such as 1 or 2 to branch on them, then connect their dots."
            : step.type === "http"
              ? "Choose where the call goes when the request works, and when it doesn't."
              : "Or drag from the dot at the bottom of the step to the next one."}
        </div>
      </div>

      <div className="fs-field">
        <label className="form-label" htmlFor="field-id">
          Step id
        </label>
        <input
          id="field-id"
          className={`form-control form-control-sm${idError ? " is-invalid" : ""}`}
          value={idDraft}
          readOnly={readOnly}
          data-field="id"
          onChange={(e) => setIdDraft(e.target.value)}
          onBlur={commitId}
          onKeyDown={(e) => {
            if (e.key === "Enter") commitId();
            if (e.key === "Escape") setIdDraft(step.id);
          }}
        />
        {idError ? <div className="invalid-feedback">{idError}</div> : <div className="form-text">Links to this step follow a new id.</div>}
      </div>

      <div className="fs-field">
        <label className="form-label" htmlFor="field-note">
          Note <span className="text-muted fw-normal">(only for your team)</span>
        </label>
        <textarea
          id="field-note"
          className="form-control form-control-sm"
          rows={2}
          value={layout?.note ?? ""}
          readOnly={readOnly}
          onChange={(e) => store.updateDoc((d) => setLayout(d, step.id, { note: e.target.value }), { tag: `note:${step.id}` })}
        />
      </div>

      {extraFields.length > 0 && (
        <div className="fs-field">
          <div className="form-label">Other fields (sent to Samespace as they are)</div>
          <dl className="fs-extra">
            {extraFields.map((k) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{displayValue(step[k])}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}

      {!readOnly && (
        <div className="d-flex gap-2 pt-2 border-top">
          <button type="button" className="btn btn-sm btn-outline-secondary" onClick={props.onDuplicate}>
            Duplicate
          </button>
          <button type="button" className="btn btn-sm btn-outline-danger ms-auto" onClick={props.onDelete}>
            Delete step
          </button>
        </div>
      )}
    </div>
  );
}
