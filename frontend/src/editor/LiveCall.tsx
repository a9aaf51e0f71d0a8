// The live status of one test call in the "Test call" dialog (TestCall.tsx): a badge, what the
// status means in plain words, Samespace's error or call id.
import type { CallInfo, CallStatus } from "./types";

export const FINAL: CallStatus[] = ["accepted", "failed", "unknown", "skipped"];

const BADGE: Record<CallStatus, string> = {
  queued: "text-bg-secondary",
  sending: "text-bg-info",
  accepted: "text-bg-success",
  failed: "text-bg-danger",
  unknown: "text-bg-warning",
  skipped: "text-bg-light border",
};
const ALERT: Partial<Record<CallStatus, string>> = {
  accepted: "alert-success",
  failed: "alert-danger",
  unknown: "alert-warning",
  skipped: "alert-secondary",
};

function explain(call: CallInfo, waitedLong: boolean): string {
  switch (call.status) {
    case "queued":
      if (call.attempts > 0) return `Samespace was busy, so FlowStudio will try again in a moment (attempt ${call.attempts + 1}).`;
      return waitedLong
        ? "Still waiting to be sent. If this lasts, no worker may be running: calls wait here until one starts."
        : "Waiting for a worker to send it to Samespace…";
    case "sending":
      return "Sending the call to Samespace…";
    case "accepted":
      return `Samespace accepted the call. The phone at ${call.number} should ring in a moment.`;
    case "failed":
      return "Samespace did not place this call.";
    case "unknown":
      return "Samespace may or may not have placed this call; check before calling again.";
    case "skipped":
      return "This call was skipped: nothing was sent to Samespace.";
  }
}


export function LiveCall(props: { call: CallInfo | null; number: string; credential: string; published: number | null; waitedLong: boolean; trouble: string }) {
  const { call } = props;
  const status: CallStatus = call?.status ?? "queued";
  const final = FINAL.includes(status);
  return (
    <div data-testid="test-call-live" data-status={status}>
      <div className="d-flex align-items-center gap-3 mb-3">
        <div className="me-auto">
          <div className="fs-5">
            Calling <span className="font-monospace">{props.number}</span>
          </div>
          <div className="small text-muted">
            {call ? `Version ${call.version}` : "Starting"}
            {props.credential ? ` · via ${props.credential}` : ""}
          </div>
        </div>
        <span className={`badge rounded-pill fs-6 ${BADGE[status]}`} data-testid="test-call-status">
          {!final && <span className="spinner-grow spinner-grow-sm me-1 fs-test-call-pulse" aria-hidden="true" />}
          {call?.status_label ?? "Queued"}
        </span>
      </div>
      {props.published !== null && (
        <p className="small mb-2">
          Published version {props.published} first, so the call plays what you see in the editor.
        </p>
      )}
      <div className={`alert ${ALERT[status] ?? "alert-light border"} py-2 mb-0`} role="status" aria-live="polite">
        {call ? explain(call, props.waitedLong) : "Waiting for a worker to send it to Samespace…"}
        {call?.error && (final || call.attempts > 0) && <div className="small mt-1">Details: {call.error}</div>}
        {call?.status === "accepted" && call.samespace_call_id && (
          <div className="small mt-1">
            Samespace call id: <code>{call.samespace_call_id}</code>
          </div>
        )}
      </div>
      {props.trouble && <p className="small text-danger mt-2 mb-0">{props.trouble}</p>}
    </div>
  );
}
