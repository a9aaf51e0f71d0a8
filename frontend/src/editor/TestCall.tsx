// The "Test call" dialog: choose a credential, type a number, fill the contact variables,
// then "Call now" saves and publishes when needed (App.prepareTestCall), launches the call and shows
// its status live until it is final (GET /api/calls/{id}/ about every second). A Call step with a fixed
// number dials that number only (editor/flowcore/dialling.py): the dialog says so, refuses another
// number, and offers in one click to put {{contact.number}} in the step and call the number typed.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Api } from "./api";
import { ApiError } from "./http";
import { Modal, PublishProblems } from "./Dialogs";
import { dialling } from "./dialling";
import { FINAL, LiveCall } from "./LiveCall";
import { contactVariables } from "./doc";
import { DIALLING, PATTERNS } from "./registry";
import type { CallInfo, CallStatus, CredentialSummary, Diagnostic, FlowDocument } from "./types";

export interface Prepared {
  version: number;
  published: boolean;
}

interface Props {
  api: Api;
  team?: number;
  doc: FlowDocument;
  errors: Diagnostic[];
  describe: (d: Diagnostic) => string;
  onPick: (d: Diagnostic) => void;
  credentialsUrl: string;
  callUrl: (id: number) => string;
  /** Save and publish as needed; null when publishing was refused because of problems (now shown). */
  prepare: (progress: (text: string) => void) => Promise<Prepared | null>;
  /** Put {{contact.number}} in the draft's Call step (absent: the dialog cannot change the flow). */
  dialContactNumber?: () => void;
  onClose: () => void;
}

/** A launch the Call step refuses: the number typed, and the one the step dials instead. */
interface OtherNumber {
  typed: string;
  dials: string;
}

const REMEMBER_KEY = "flowstudio.testCall";
const POLL_MS = 1000;
const SLOW_QUEUE_MS = 12000;

/** The launch API's rule (spaces, dashes and brackets dropped, then the flow core's phone-number
 * pattern, editor/flowcore/checks.py): null when it is no phone number. */
export function phoneNumber(raw: string): string | null {
  const text = raw.replace(/[\s().-]/g, "");
  return PATTERNS.phoneNumber.test(text) ? text : null;
}

function remembered(): { credential?: number; number?: string } {
  try {
    return JSON.parse(window.localStorage.getItem(REMEMBER_KEY) ?? "{}") ?? {};
  } catch {
    return {};
  }
}

function remember(value: { credential: number; number: string }) {
  try {
    window.localStorage.setItem(REMEMBER_KEY, JSON.stringify(value));
  } catch {
    // nothing to do: the form just starts empty next time
  }
}

export function TestCallDialog(props: Props) {
  const { api, team } = props;
  const names = useMemo(() => contactVariables(props.doc).filter((n) => n !== "number"), [props.doc]);
  const dials = useMemo(() => dialling(props.doc), [props.doc]);
  const [credentials, setCredentials] = useState<CredentialSummary[] | null>(null);
  const [loadError, setLoadError] = useState("");
  const [credential, setCredential] = useState("");
  // A fixed number is what the call dials, so it is what the form starts with.
  const [number, setNumber] = useState(() => (dials.kind === "fixed" ? dials.number : remembered().number ?? ""));
  const [other, setOther] = useState<OtherNumber | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState("");
  const [errorList, setErrorList] = useState<string[]>([]);
  const [progress, setProgress] = useState(""); // non-empty while saving, publishing or launching
  const [callId, setCallId] = useState<number | null>(null);
  const [published, setPublished] = useState<number | null>(null);
  const [call, setCall] = useState<CallInfo | null>(null);
  const [pollTrouble, setPollTrouble] = useState("");
  const [waitedLong, setWaitedLong] = useState(false);
  const open = useRef(true);
  useEffect(() => {
    open.current = true;
    return () => {
      open.current = false;
    };
  }, []);
  const clearFieldError = (key: string) =>
    setFieldErrors((current) => Object.fromEntries(Object.entries(current).filter(([k]) => k !== key)));

  const loadCredentials = useCallback(() => {
    setLoadError("");
    api
      .credentials(team)
      .then((data) => {
        const list = data.results.filter((c) => team === undefined || c.team === team);
        setCredentials(list);
        const last = remembered().credential;
        const pick = list.find((c) => c.id === last) ?? (list.length === 1 ? list[0] : undefined);
        if (pick) setCredential((current) => current || String(pick.id));
      })
      .catch((err: unknown) => setLoadError(err instanceof Error ? err.message : String(err)));
  }, [api, team]);
  useEffect(loadCredentials, [loadCredentials]);

  // Poll the call until it is final; a failed check is retried a little later.
  useEffect(() => {
    if (callId === null) return;
    const controller = new AbortController();
    let timer = 0;
    let misses = 0;
    const started = Date.now();
    const tick = async () => {
      try {
        const info = await api.getCall(callId, controller.signal);
        misses = 0;
        setPollTrouble("");
        setCall(info);
        setWaitedLong(Date.now() - started > SLOW_QUEUE_MS);
        if (FINAL.includes(info.status)) return;
      } catch (err) {
        if (controller.signal.aborted) return;
        misses += 1;
        setPollTrouble(`Can't check the call right now (${err instanceof Error ? err.message : String(err)}). Still trying…`);
      }
      timer = window.setTimeout(tick, Math.min(POLL_MS * (1 + misses), 5000));
    };
    void tick();
    return () => {
      controller.abort();
      window.clearTimeout(timer);
    };
  }, [api, callId]);

  const chosen = credentials?.find((c) => String(c.id) === credential);
  const busy = progress !== "";
  const blocked = props.errors.length > 0;
  const final = call !== null && FINAL.includes(call.status);

  const callNow = async (options: { dialled?: string } = {}) => {
    const problems: Record<string, string> = {};
    const typed = options.dialled ?? number;
    const cleaned = phoneNumber(typed);
    if (!typed.trim()) problems.number = "Type the number to call.";
    else if (!cleaned) problems.number = "That doesn't look like a phone number: use 2 to 15 digits, with an optional + in front (spaces and dashes are fine).";
    if (!chosen) problems.credential = "Choose the Samespace account that places the call.";
    setFieldErrors(problems);
    setError("");
    setErrorList([]);
    setOther(null);
    if (Object.keys(problems).length || !cleaned || !chosen) return;
    // The step was just switched to {{contact.number}} when options.dialled is given: props.doc may not show it yet.
    if (options.dialled === undefined && dials.kind === "fixed" && cleaned !== dials.number) {
      setOther({ typed: cleaned, dials: dials.number });
      return;
    }
    setProgress("Getting ready…");
    try {
      const prepared = await props.prepare((text) => open.current && setProgress(text));
      if (!open.current) return; // closed meanwhile: place no call
      if (!prepared) {
        setError("The flow can't be published because of problems: the list below the canvas shows them.");
        return;
      }
      setProgress("Starting the call…");
      const variables = Object.fromEntries(names.map((n) => [n, values[n] ?? ""]));
      const launched = await api.launch({ number: cleaned, credential: chosen.id, variables, version: prepared.version });
      remember({ credential: chosen.id, number: typed });
      if (!open.current) return;
      setPublished(prepared.published ? prepared.version : null);
      setCall(null);
      setWaitedLong(false);
      setCallId(launched.call);
    } catch (err) {
      if (!open.current) return;
      const extra = err instanceof ApiError ? err.extra : {};
      if (err instanceof ApiError && err.code === "dials_other_number") {
        setOther({ typed: cleaned, dials: String(extra.dials ?? "") });
        return;
      }
      const fields = (extra.fields ?? {}) as Record<string, string[]>;
      const mine: Record<string, string> = {};
      if (fields.number) mine.number = fields.number.join(" ");
      if (fields.credential) mine.credential = fields.credential.join(" ");
      const missing = (extra.missing_variables ?? []) as string[];
      missing.forEach((n) => (mine[`var:${n}`] = "This flow needs a value here."));
      setFieldErrors(mine);
      setError(err instanceof Error ? err.message : String(err));
      const diagnostics = (extra.diagnostics ?? []) as Diagnostic[];
      setErrorList(diagnostics.slice(1).map((d) => d.message));
    } finally {
      if (open.current) setProgress("");
    }
  };

  // One click: {{contact.number}} goes into the Call step (the canvas shows it at once), then the call
  // is placed to the number typed; prepare() saves and publishes the changed draft first.
  const callTypedInstead = () => {
    if (!other || !props.dialContactNumber) return;
    props.dialContactNumber();
    void callNow({ dialled: other.typed });
  };
  const callWhatItDials = () => {
    if (!other) return;
    setNumber(other.dials);
    void callNow({ dialled: other.dials });
  };

  const again = () => {
    setCallId(null);
    setCall(null);
    setPublished(null);
    setPollTrouble("");
  };

  const footer = callId !== null ? (
    <>
      <a className="btn btn-link me-auto" href={props.callUrl(callId)} target="_blank" rel="noopener" data-testid="test-call-detail-link">
        Call details ↗
      </a>
      {final && (
        <button type="button" className="btn btn-outline-primary" onClick={again}>
          New test call
        </button>
      )}
      <button type="button" className="btn btn-primary" onClick={props.onClose}>
        Close
      </button>
    </>
  ) : (
    <>
      <button type="button" className="btn btn-link text-secondary" onClick={props.onClose}>
        Cancel
      </button>
      {credentials && credentials.length > 0 && (
        <button type="button" className="btn btn-primary" onClick={() => void callNow()} disabled={busy || blocked}>
          {busy ? progress : "Call now"}
        </button>
      )}
    </>
  );

  return (
    <Modal title="Test call" onClose={props.onClose} testid="test-call-dialog" footer={footer}>
      {callId !== null ? (
        <LiveCall call={call} number={phoneNumber(number) ?? number} credential={chosen?.name ?? ""} published={published} waitedLong={waitedLong} trouble={pollTrouble} />
      ) : loadError ? (
        <div className="alert alert-danger py-2 mb-0">
          {loadError}{" "}
          <button type="button" className="btn btn-sm btn-link p-0 align-baseline" onClick={loadCredentials}>
            Try again
          </button>
        </div>
      ) : credentials === null ? (
        <p className="text-muted mb-0">Loading your team's Samespace accounts…</p>
      ) : credentials.length === 0 ? (
        <div data-testid="test-call-no-credentials">
          <p>
            To place a call, FlowStudio needs your team's Samespace account details (a <b>credential</b>), and your team has
            none yet.
          </p>
          <p className="mb-0">
            Add one on the <a href={props.credentialsUrl}>Credentials page</a> (team owners can add them), then come back here.
          </p>
        </div>
      ) : (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (!busy && !blocked) void callNow();
          }}
        >
          <p className="small text-muted">
            Calls a phone now with this flow, so you can hear it yourself. If the flow has changes, they are saved and published first.
          </p>
          {dials.kind === "fixed" && (
            <div className="alert alert-info py-2" data-testid="test-call-dials">
              This flow calls <b className="font-monospace">{dials.number}</b>: that number is fixed in its Call step, so every
              call dials it.
            </div>
          )}
          <div className="mb-3">
            <label className="form-label" htmlFor="test-call-credential">
              Samespace credential
            </label>
            <select
              id="test-call-credential"
              className={`form-select${fieldErrors.credential ? " is-invalid" : ""}`}
              value={credential}
              disabled={busy}
              onChange={(e) => {
                setCredential(e.target.value);
                clearFieldError("credential");
              }}
            >
              {!chosen && <option value="">Choose a credential…</option>}
              {credentials.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                  {c.rejected ? " (token refused)" : ""}
                </option>
              ))}
            </select>
            {fieldErrors.credential && <div className="invalid-feedback d-block">{fieldErrors.credential}</div>}
            {chosen?.rejected && (
              <div className="form-text text-warning-emphasis">
                Samespace refused this credential's token last time. The call will probably fail until a team owner updates it on
                the <a href={props.credentialsUrl}>Credentials page</a>.
              </div>
            )}
          </div>
          <div className="mb-3">
            <label className="form-label" htmlFor="test-call-number">
              Phone number to call
            </label>
            <input
              id="test-call-number"
              className={`form-control${fieldErrors.number ? " is-invalid" : ""}`}
              type="tel"
              inputMode="tel"
              autoComplete="off"
              maxLength={40}
              placeholder="+1 415 555 0100"
              value={number}
              disabled={busy}
              onChange={(e) => {
                setNumber(e.target.value);
                clearFieldError("number");
                setOther(null);
              }}
              autoFocus
            />
            {fieldErrors.number ? (
              <div className="invalid-feedback d-block">{fieldErrors.number}</div>
            ) : (
              <div className="form-text" data-testid="test-call-number-hint">
                {dials.kind === "fixed" ? (
                  <>To call another phone, type its number: FlowStudio offers to change the Call step.</>
                ) : dials.kind === "template" ? (
                  <>
                    The Call step dials <code>{dials.number}</code>: type the number that becomes.
                  </>
                ) : (
                  <>
                    Your own phone is a good choice. {DIALLING.calls_contact}: the Call step dials <code>{DIALLING.contact_number}</code>.
                  </>
                )}
              </div>
            )}
          </div>
          {names.length > 0 && (
            <fieldset className="mb-2">
              <legend className="form-label fs-6 mb-1">About the contact</legend>
              <p className="form-text mt-0 mb-2">The flow reads these out. Leave one empty and that part is left out.</p>
              {names.map((n) => (
                <div className="row g-2 align-items-center mb-2" key={n}>
                  <label className="col-4 col-form-label col-form-label-sm text-truncate" htmlFor={`test-call-var-${n}`} title={`{{contact.${n}}}`}>
                    <code>{`{{contact.${n}}}`}</code>
                  </label>
                  <div className="col-8">
                    <input
                      id={`test-call-var-${n}`}
                      className={`form-control form-control-sm${fieldErrors[`var:${n}`] ? " is-invalid" : ""}`}
                      maxLength={1000}
                      value={values[n] ?? ""}
                      disabled={busy}
                      data-variable={n}
                      onChange={(e) => {
                        setValues((v) => ({ ...v, [n]: e.target.value }));
                        clearFieldError(`var:${n}`);
                      }}
                    />
                    {fieldErrors[`var:${n}`] && <div className="invalid-feedback d-block">{fieldErrors[`var:${n}`]}</div>}
                  </div>
                </div>
              ))}
            </fieldset>
          )}
          {/* Submitting with Enter from any field. */}
          <button type="submit" hidden />
          {blocked && (
            <div className="alert alert-warning py-2 mt-3 mb-0 fs-test-call-problems" data-testid="test-call-problems">
              <p className="mb-2">
                A test call uses the published flow, and this flow can't be published until these problems are fixed. Click one to go
                to it:
              </p>
              <PublishProblems errors={props.errors} describe={props.describe} onPick={props.onPick} />
            </div>
          )}
          {other && !blocked && (
            <div className="alert alert-warning py-2 mt-3 mb-0" role="alert" data-testid="test-call-other-number">
              <p className="mb-2">
                This flow's Call step dials <b className="font-monospace">{other.dials}</b>, so it can't call{" "}
                <b className="font-monospace">{other.typed}</b>.
              </p>
              <div className="d-flex flex-wrap gap-2">
                {props.dialContactNumber && (
                  <button type="button" className="btn btn-sm btn-primary" onClick={callTypedInstead} disabled={busy}>
                    Call {other.typed} instead
                  </button>
                )}
                {other.dials && (
                  <button type="button" className="btn btn-sm btn-outline-secondary" onClick={callWhatItDials} disabled={busy}>
                    Call {other.dials}
                  </button>
                )}
              </div>
              {props.dialContactNumber && (
                <p className="small mb-0 mt-2">
                  “Call {other.typed} instead” puts <code>{DIALLING.contact_number}</code> in the Call step, so the flow calls the number
                  you give. The change is saved and published first.
                </p>
              )}
            </div>
          )}
          {error && !blocked && (
            <div className="alert alert-danger py-2 mt-3 mb-0" role="alert">
              {error}
              {errorList.length > 0 && (
                <ul className="mb-0 mt-1 small">
                  {errorList.map((m, i) => (
                    <li key={i}>{m}</li>
                  ))}
                </ul>
              )}
            </div>
          )}
          {busy && (
            <p className="small text-muted mt-3 mb-0" role="status">
              <span className="spinner-border spinner-border-sm me-2" aria-hidden="true" />
              {progress}
            </p>
          )}
        </form>
      )}
    </Modal>
  );
}
