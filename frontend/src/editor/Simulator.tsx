// The simulator panel: walk the flow as a caller would, without calling anyone.
// Stateless on the server: every turn sends the draft on screen and all inputs so far; the answer
// says what the caller heard and what the run waits for. The run and the test coverage are
// painted onto the canvas through one stylesheet (canvasStyle), so the canvas needs no changes.
import { useReactFlow } from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import "./Simulator.css";
import { BLOCK_BY_TYPE } from "./registry";
import {
  canvasStyle,
  noInputs,
  SimulatorApi,
  withInput,
  withoutLast,
  type Edge,
  type Inputs,
  type SimEvent,
  type Simulation,
  type TestCase,
} from "./SimulatorApi";
import { SideDock } from "./SideDock";
import { SimulatorTests } from "./SimulatorTests";
import type { FlowDocument } from "./types";

interface Props {
  apiBase: string;
  flowId: number;
  doc: FlowDocument;
  canEdit: boolean;
}

type Given = { kind: "digits" | "http"; step: string };
const KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"];
const iconOf = (kind: SimEvent["kind"]) => BLOCK_BY_TYPE[kind]?.icon ?? "■"; // "■": the call ends
const canSpeak = typeof window !== "undefined" && "speechSynthesis" in window;

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function say(text: string) {
  if (!canSpeak) return;
  window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
}

export function Simulator({ apiBase, flowId, doc, canEdit }: Props) {
  const api = useMemo(() => new SimulatorApi(apiBase, flowId), [apiBase, flowId]);
  const rf = useReactFlow();
  const [open, setOpen] = useState(false);
  const [tab, setTab] = useState<"run" | "tests">("run");
  const [inputs, setInputs] = useState<Inputs | null>(null); // null: no run started
  const [given, setGiven] = useState<Given[]>([]);
  const [sim, setSim] = useState<Simulation | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [typed, setTyped] = useState("");
  const [listen, setListen] = useState(false);
  const [untaken, setUntaken] = useState<Edge[] | null>(null);
  const [testsChanged, setTestsChanged] = useState(0);
  const request = useRef(0);
  const spoken = useRef(-1);
  const docRef = useRef(doc);
  docRef.current = doc;

  const stepName = useCallback(
    (id: string | null) => (id === null ? "the flow" : doc.layout[id]?.label ? `“${doc.layout[id].label}”` : `step ${id}`),
    [doc.layout],
  );

  const showStep = useCallback(
    (id: string, onlyIfHidden = false) => {
      const place = docRef.current.layout[id];
      if (!place) return;
      const box = document.querySelector(".fs-canvas")?.getBoundingClientRect();
      if (onlyIfHidden && box) {
        const a = rf.flowToScreenPosition({ x: place.x, y: place.y });
        const b = rf.flowToScreenPosition({ x: place.x + 250, y: place.y + 90 });
        // The simulator is docked beside the canvas (SideDock.tsx), so the whole canvas is free.
        if (a.x >= box.left && a.y >= box.top && b.x <= box.right && b.y <= box.bottom) return;
      }
      rf.setCenter(place.x + 125, place.y + 50, { zoom: Math.max(rf.getZoom(), 0.7), duration: 250 });
    },
    [rf],
  );

  const turn = useCallback(
    async (next: Inputs, nextGiven: Given[]) => {
      const id = ++request.current;
      setBusy(true);
      setError("");
      try {
        const result = await api.simulate(docRef.current, next);
        if (id !== request.current) return;
        setSim(result);
        setInputs(result.inputs);
        setGiven(nextGiven);
        setTyped("");
      } catch (err) {
        if (id === request.current) setError(err instanceof Error ? err.message : String(err));
      } finally {
        if (id === request.current) setBusy(false);
      }
    },
    [api],
  );

  const start = useCallback(() => {
    spoken.current = -1;
    setSim(null);
    void turn(noInputs(), []);
  }, [turn]);

  const give = useCallback(
    (kind: "digits" | "http", value: unknown) => {
      if (!inputs || !sim?.waiting || busy) return;
      const step = sim.waiting.step;
      void turn(withInput(inputs, kind, step, value), [...given, { kind, step }]);
    },
    [inputs, sim, busy, given, turn],
  );

  const undo = useCallback(() => {
    const last = given[given.length - 1];
    if (!inputs || !last) return;
    void turn(withoutLast(inputs, last.kind, last.step), given.slice(0, -1));
  }, [inputs, given, turn]);

  const replay = useCallback(
    (test: TestCase) => {
      setTab("run");
      spoken.current = Number.MAX_SAFE_INTEGER; // do not read a replayed run aloud
      const order: Given[] = []; // the visit order is not stored: undo goes step by step backwards
      const inputs: Inputs = { ...noInputs(), ...test.inputs };
      Object.entries(inputs.digits).forEach(([step, list]) => list.forEach(() => order.push({ kind: "digits", step })));
      Object.entries(inputs.http).forEach(([step, list]) => list.forEach(() => order.push({ kind: "http", step })));
      void turn(inputs, order);
    },
    [turn],
  );

  // Edits to the flow while a run is open: replay the same inputs on the new draft.
  useEffect(() => {
    if (!open || inputs === null) return;
    const t = window.setTimeout(() => void turn(inputs, given), 500);
    return () => window.clearTimeout(t);
  }, [doc]); // eslint-disable-line react-hooks/exhaustive-deps

  // Keys typed up to the step's count are sent at once, as a phone would.
  useEffect(() => {
    const count = sim?.waiting?.kind === "digits" ? sim.waiting.count ?? 1 : 0;
    if (count && typed.length >= count) give("digits", typed.slice(0, count));
  }, [typed, sim, give]);

  // "Listen": read each new sentence the caller hears.
  useEffect(() => {
    if (!sim) return;
    const fresh = sim.transcript.filter((e) => e.index > spoken.current);
    if (sim.transcript.length) spoken.current = Math.max(spoken.current, sim.transcript[sim.transcript.length - 1].index);
    if (listen) fresh.forEach((e) => e.say && say(e.say));
  }, [sim, listen]);

  const current = sim ? sim.waiting?.step ?? sim.end?.step ?? null : null;
  // Two frames later: opening the dock shrinks the canvas, and React Flow learns its new size
  // (from a ResizeObserver) only then; centring before would use the old width.
  const showLater = useCallback((id: string | null) => {
    if (id) requestAnimationFrame(() => requestAnimationFrame(() => showStep(id, true)));
  }, [showStep]);
  useEffect(() => {
    if (open) showLater(current);
  }, [current, open]); // eslint-disable-line react-hooks/exhaustive-deps

  // Paint the run and the coverage onto the canvas.
  useEffect(() => {
    let style = document.getElementById("fs-sim-style") as HTMLStyleElement | null;
    if (!style) {
      style = document.createElement("style");
      style.id = "fs-sim-style";
      document.head.appendChild(style);
    }
    // The run on the Simulator tab, the coverage on the Tests tab: one picture at a time.
    const run = tab === "run" && sim ? { path: sim.path, edges: sim.edges, current } : null;
    style.textContent = open ? canvasStyle(run, tab === "tests" ? untaken : null) : "";
  }, [open, tab, sim, current, untaken]);
  useEffect(() => () => document.getElementById("fs-sim-style")?.remove(), []);

  const onKeypad = (e: KeyboardEvent) => {
    if (sim?.waiting?.kind !== "digits") return;
    if (KEYS.includes(e.key)) setTyped((t) => t + e.key);
    else if (e.key === "Backspace") setTyped((t) => t.slice(0, -1));
    else if (e.key === "Enter") give("digits", typed);
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  if (!open) {
    return (
      <button type="button" className="btn btn-sm btn-success fs-sim-toggle shadow-sm" onClick={() => setOpen(true)} data-testid="simulator-open">
        ▶ Try it
      </button>
    );
  }

  const waiting = sim?.waiting ?? null;
  return (
    <SideDock label="simulator" onResized={() => showLater(current)}>
    <section className="fs-sim" aria-label="Simulator" data-testid="simulator" data-path={sim?.path.join(" ") ?? ""} data-status={sim?.status ?? "idle"}>
      <header className="fs-sim-head">
        <div className="btn-group btn-group-sm" role="tablist">
          <button type="button" role="tab" aria-selected={tab === "run"} className={`btn ${tab === "run" ? "btn-dark" : "btn-outline-secondary"}`} onClick={() => setTab("run")}>
            Simulator
          </button>
          <button type="button" role="tab" aria-selected={tab === "tests"} className={`btn ${tab === "tests" ? "btn-dark" : "btn-outline-secondary"}`} onClick={() => setTab("tests")} data-testid="tests-tab">
            Tests
          </button>
        </div>
        <button type="button" className="btn-close ms-auto" aria-label="Close the simulator" onClick={() => setOpen(false)} />
      </header>

      {tab === "tests" ? (
        <SimulatorTests api={api} canEdit={canEdit} stepName={stepName} showStep={showStep} onCoverage={setUntaken} onReplay={replay} changed={testsChanged} />
      ) : (
        <div className="fs-sim-body">
          <div className="fs-sim-actions">
            <button type="button" className="btn btn-sm btn-success" onClick={start} disabled={busy || doc.steps.length === 0} data-testid="sim-start">
              {sim ? "↻ Start again" : "▶ Start a call"}
            </button>
            <button type="button" className="btn btn-sm btn-light" onClick={undo} disabled={busy || !given.length} title="Take back the last key or outcome">
              ↶ Back
            </button>
            {canSpeak && (
              <label className="form-check form-switch ms-auto small mb-0" title="Read aloud what the caller hears">
                <input className="form-check-input" type="checkbox" checked={listen} onChange={(e) => setListen(e.target.checked)} /> Listen
              </label>
            )}
          </div>
          {!sim && !busy && <p className="fs-sim-hint">Start a call to hear what the caller hears, press keys on the keypad and choose what each web request answers. Nobody is called.</p>}
          {error && <div className="alert alert-danger py-1 px-2 small" role="alert">{error}</div>}

          {sim && (
            <>
              <ol className="fs-sim-transcript" data-testid="transcript">
                {sim.transcript.map((e) => (
                  <li key={e.index} className={`fs-sim-event fs-sim-event--${e.kind}`}>
                    <span className="fs-sim-icon" aria-hidden="true">{iconOf(e.kind)}</span>
                    <button type="button" className="fs-sim-step" onClick={() => e.step && showStep(e.step)} title="Show this step">
                      {e.step ?? ""}
                    </button>
                    <span className="fs-sim-text">
                      {e.say ? <q className="fs-sim-say">{e.say}</q> : e.message}
                      {e.say && canSpeak && (
                        <button type="button" className="fs-sim-speak" aria-label="Listen" title="Listen" onClick={() => say(e.say!)}>
                          <SpeakerIcon />
                        </button>
                      )}
                      {e.response?.body && <code className="fs-sim-body-text">{e.response.body.slice(0, 160)}</code>}
                      {e.unset?.length ? <span className="fs-sim-unset"> Not set yet: {e.unset.join(", ")}.</span> : null}
                    </span>
                  </li>
                ))}
              </ol>

              {waiting?.kind === "digits" && (
                <div className="fs-sim-wait" data-testid="sim-keypad" tabIndex={0} onKeyDown={onKeypad}>
                  <div className="fs-sim-wait-title">
                    {capital(stepName(waiting.step))} waits for up to {waiting.count} key{waiting.count === 1 ? "" : "s"}
                    {waiting.keys?.length ? (
                      <span className="text-muted fw-normal"> · branches: {waiting.keys.map((k) => (k === "*" ? "any other" : k)).join(", ")}</span>
                    ) : null}
                  </div>
                  <div className="fs-sim-typed" aria-live="polite">{typed || <span className="fs-sim-typed-hint">press keys…</span>}</div>
                  <div className="fs-sim-keypad">
                    {KEYS.map((k) => (
                      <button key={k} type="button" className="btn btn-light fs-sim-key" disabled={busy} onClick={() => setTyped((t) => t + k)} data-key={k}>
                        {k}
                      </button>
                    ))}
                  </div>
                  <div className="d-flex gap-2 mt-2">
                    <button type="button" className="btn btn-sm btn-primary flex-fill" disabled={busy} onClick={() => give("digits", typed)} title="Send the keys typed so far (like pressing # or waiting)">
                      Done
                    </button>
                    <button type="button" className="btn btn-sm btn-light" disabled={!typed} onClick={() => setTyped("")}>
                      Clear
                    </button>
                  </div>
                </div>
              )}

              {waiting?.kind === "http" && (
                <div className="fs-sim-wait" data-testid="sim-http">
                  <div className="fs-sim-wait-title">{capital(stepName(waiting.step))} sends a request</div>
                  <code className="fs-sim-request">{waiting.request?.method} {waiting.request?.url}</code>
                  <div className="d-grid gap-1 mt-2">
                    <button type="button" className="btn btn-sm btn-outline-success" disabled={busy} onClick={() => give("http", "success")}>
                      Pretend success
                    </button>
                    <button type="button" className="btn btn-sm btn-outline-danger" disabled={busy} onClick={() => give("http", "fail")}>
                      Pretend fail
                    </button>
                    <button type="button" className="btn btn-sm btn-outline-secondary" disabled={busy || !canEdit} onClick={() => give("http", "send")}
                      title={canEdit ? "Send it from the server (5-second limit; private addresses are refused)" : "Viewers cannot send requests"}>
                      {busy ? "Sending…" : "Really send it"}
                    </button>
                  </div>
                </div>
              )}

              {sim.status === "ended" && sim.end && (
                <SaveRun key={sim.path.join(" ")} api={api} sim={sim} canEdit={canEdit} stepName={stepName} onSaved={() => setTestsChanged((n) => n + 1)} />
              )}

              <div className="fs-sim-section">
                <div className="fs-panel-title">Path</div>
                <div className="fs-sim-path" data-testid="sim-path">
                  {sim.path.map((id, i) => (
                    <button type="button" key={i} className={`fs-sim-crumb${i === sim.path.length - 1 ? " is-current" : ""}`} onClick={() => showStep(id)}>
                      {id}
                    </button>
                  ))}
                </div>
              </div>
              <div className="fs-sim-section">
                <div className="fs-panel-title">Variables</div>
                {Object.keys(sim.variables).length ? (
                  <table className="fs-sim-vars" data-testid="sim-variables">
                    <tbody>
                      {Object.entries(sim.variables).map(([name, value]) => (
                        <tr key={`${name}=${value}`} className="fs-sim-var">
                          <th>{`{{${name}}}`}</th>
                          <td>{value || <span className="text-muted">(nothing)</span>}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : (
                  <div className="small text-muted">None set yet.</div>
                )}
              </div>
            </>
          )}
        </div>
      )}
    </section>
    </SideDock>
  );
}

function SaveRun(props: { api: SimulatorApi; sim: Simulation; canEdit: boolean; stepName: (id: string | null) => string; onSaved: () => void }) {
  const { sim } = props;
  const [name, setName] = useState(`Ends at ${props.stepName(sim.end?.step ?? null).replace(/[“”]/g, "")}`);
  const [state, setState] = useState<"idle" | "saving" | "saved">("idle");
  const [error, setError] = useState("");
  const save = async () => {
    setState("saving");
    setError("");
    try {
      await props.api.saveTest({ name: name.trim() || "Simulated call", ...sim.scenario });
      setState("saved");
      props.onSaved();
    } catch (err) {
      setState("idle");
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <div className="fs-sim-end" data-testid="sim-end">
      <div className="fw-semibold">{sim.end?.message}</div>
      {props.canEdit && (
        <div className="input-group input-group-sm mt-2">
          <input className="form-control" value={name} maxLength={200} aria-label="Test name" onChange={(e) => setName(e.target.value)} disabled={state !== "idle"} />
          <button type="button" className="btn btn-outline-primary" onClick={() => void save()} disabled={state !== "idle"} data-testid="sim-save">
            {state === "saved" ? "Saved ✓" : state === "saving" ? "Saving…" : "Save as test"}
          </button>
        </div>
      )}
      {error && <div className="text-danger small mt-1">{error}</div>}
    </div>
  );
}

function SpeakerIcon() {
  return (
    <svg viewBox="0 0 16 16" width="13" height="13" aria-hidden="true">
      <path d="M2 6h3l4-3v10L5 10H2z" fill="currentColor" />
      <path d="M11 5.5a3.5 3.5 0 0 1 0 5M12.8 3.5a6 6 0 0 1 0 9" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
    </svg>
  );
}

/** One sentence about the flow tests run when publishing, for the editor's notice. */
export function publishTestsNote(version: unknown): { text: string; warning: boolean } {
  const tests = (version as { tests?: { total: number; failed: number; warning?: boolean } | null }).tests;
  if (!tests || !tests.total) return { text: "", warning: false };
  if (!tests.failed) return { text: ` All ${tests.total} flow test${tests.total === 1 ? "" : "s"} passed.`, warning: false };
  return { text: ` Warning: ${tests.failed} of ${tests.total} flow tests fail.`, warning: true };
}
