// Inspector inputs: one per block field, with a picker that inserts {{variables}}.
import { useEffect, useRef, useState } from "react";
import { BLOCK_BY_TYPE, HTTP_METHODS, PATTERNS, defaultOf, type FieldSpec } from "./registry";

export function displayValue(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** A count typed as digits becomes a number; anything else is kept as typed for the checker to explain. */
export function countValue(text: string): unknown {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : text;
}

interface PickerProps {
  variables: string[];
  contactFields: string[];
  onPick: (token: string) => void;
  disabled: boolean;
}

export function VariablePicker({ variables, contactFields, onPick, disabled }: PickerProps) {
  const [open, setOpen] = useState(false);
  const [custom, setCustom] = useState("");
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", close);
    return () => document.removeEventListener("mousedown", close);
  }, [open]);
  const pick = (token: string) => {
    onPick(token);
    setOpen(false);
  };
  const customOk = PATTERNS.contactField.test(custom);
  return (
    <div className="fs-picker" ref={root}>
      <button
        type="button"
        className="btn btn-sm btn-link fs-picker-toggle"
        onClick={() => setOpen((o) => !o)}
        disabled={disabled}
        aria-expanded={open}
        title="Insert a variable"
      >
        {"{ }"} Insert variable
      </button>
      {open && (
        <div className="fs-picker-menu shadow" role="menu">
          <div className="fs-picker-section">Keys pressed earlier in the call</div>
          {variables.length === 0 && (
            <div className="fs-picker-empty">None yet: add a “{BLOCK_BY_TYPE.digits.title}” step before this one.</div>
          )}
          {variables.map((v) => (
            <button type="button" role="menuitem" key={v} className="fs-picker-item" onClick={() => pick(`{{${v}}}`)}>
              {`{{${v}}}`}
            </button>
          ))}
          <div className="fs-picker-section">The contact being called</div>
          {contactFields.map((f) => (
            <button type="button" role="menuitem" key={f} className="fs-picker-item" onClick={() => pick(`{{contact.${f}}}`)}>
              {`{{contact.${f}}}`}
            </button>
          ))}
          <form
            className="fs-picker-custom"
            onSubmit={(e) => {
              e.preventDefault();
              if (customOk) pick(`{{contact.${custom}}}`);
            }}
          >
            <input
              className="form-control form-control-sm"
              placeholder="another column, e.g. city"
              value={custom}
              onChange={(e) => setCustom(e.target.value)}
              aria-label="Another contact column"
            />
            <button className="btn btn-sm btn-outline-primary" type="submit" disabled={!customOk}>
              Add
            </button>
          </form>
        </div>
      )}
    </div>
  );
}

interface FieldProps {
  spec: FieldSpec;
  value: unknown;
  onChange: (value: unknown) => void;
  readOnly: boolean;
  invalid: boolean;
  variables: string[];
  contactFields: string[];
}

export function FieldInput({ spec, value, onChange, readOnly, invalid, variables, contactFields }: FieldProps) {
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const id = `field-${spec.name}`;
  const text = displayValue(value);
  const className = `form-control form-control-sm${invalid ? " is-invalid" : ""}`;
  const insert = (token: string) => {
    const el = ref.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    const next = text.slice(0, start) + token + text.slice(end);
    onChange(next);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + token.length, start + token.length);
    });
  };
  let input;
  if (spec.input === "method") {
    const options = HTTP_METHODS.includes(text) || !text ? HTTP_METHODS : [text, ...HTTP_METHODS];
    input = (
      <select
        id={id}
        className={`form-select form-select-sm${invalid ? " is-invalid" : ""}`}
        value={text || String(defaultOf("http", spec.name) ?? "")}
        onChange={(e) => onChange(e.target.value)}
        disabled={readOnly}
        data-field={spec.name}
      >
        {options.map((m) => (
          <option key={m} value={m}>
            {m}
          </option>
        ))}
      </select>
    );
  } else if (spec.input === "textarea") {
    input = (
      <textarea
        id={id}
        ref={ref}
        className={className}
        rows={3}
        value={text}
        placeholder={spec.placeholder}
        onChange={(e) => onChange(e.target.value)}
        readOnly={readOnly}
        data-field={spec.name}
      />
    );
  } else {
    input = (
      <input
        id={id}
        ref={ref}
        className={className}
        type="text"
        inputMode={spec.input === "count" ? "numeric" : spec.input === "phone" ? "tel" : spec.input === "url" ? "url" : "text"}
        autoComplete="off"
        spellCheck={spec.input === "text"}
        value={text}
        placeholder={spec.placeholder}
        onChange={(e) => onChange(spec.input === "count" ? countValue(e.target.value) : e.target.value)}
        readOnly={readOnly}
        data-field={spec.name}
      />
    );
  }
  return (
    <div className="fs-field">
      <div className="d-flex align-items-end justify-content-between">
        <label className="form-label" htmlFor={id}>
          {spec.title}
        </label>
        {spec.variables && !readOnly && (
          <VariablePicker variables={variables} contactFields={contactFields} onPick={insert} disabled={readOnly} />
        )}
      </div>
      {input}
      <div className="form-text">{spec.help}</div>
    </div>
  );
}
