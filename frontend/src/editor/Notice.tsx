// The one message line over the canvas ("Published version 3", "Not saved: …"), with an optional action.
import { useEffect, useState } from "react";

export interface Notice {
  kind: "success" | "info" | "warning" | "danger";
  text: string;
  action?: { label: string; run: () => void };
}

/** The current notice; a success goes away by itself after a few seconds. */
export function useNotice(initial: () => Notice | null) {
  const [notice, setNotice] = useState<Notice | null>(initial);
  useEffect(() => {
    if (notice?.kind !== "success") return;
    const t = window.setTimeout(() => setNotice(null), 5000);
    return () => window.clearTimeout(t);
  }, [notice]);
  return [notice, setNotice] as const;
}

export function NoticeBar({ notice, onDismiss }: { notice: Notice; onDismiss: () => void }) {
  return (
    <div className={`fs-notice alert alert-${notice.kind} shadow-sm`} role="status" data-testid="notice">
      <span>{notice.text}</span>
      {notice.action && (
        <button type="button" className="btn btn-sm btn-link" onClick={notice.action.run}>
          {notice.action.label}
        </button>
      )}
      <button type="button" className="btn-close btn-sm ms-2" aria-label="Dismiss" onClick={onDismiss} />
    </div>
  );
}
