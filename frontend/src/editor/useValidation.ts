// Live validation: the server's validator runs about 300 ms after the last edit.
import { useEffect, useMemo, useRef, useState } from "react";
import type { Api } from "./api";
import { isApiError } from "./http";
import { checkBytes } from "./size";
import type { Diagnostic, FlowDocument } from "./types";

const DEBOUNCE_MS = 300;

/** Labels appear in the messages, positions do not: only a change that matters re-checks. */
function labelsKey(doc: FlowDocument): string {
  let key = "";
  for (const [id, entry] of Object.entries(doc.layout)) if (entry.label) key += `${id}\u0000${entry.label}\u0001`;
  return key;
}

/**
 * `tooBig`: a save of the draft is over the API's size limit (`limit` bytes). A check sends less
 * (no positions: api.ts), so it is then measured and only sent if it fits; else it waits (413)
 * until the flow shrinks.
 */
export function useValidation(api: Api, doc: FlowDocument, initial: Diagnostic[], initialIsCurrent: boolean, tooBig = false, limit = 0) {
  const [diagnostics, setDiagnostics] = useState<Diagnostic[]>(initial);
  const [checking, setChecking] = useState(false);
  const [failed, setFailed] = useState(false);
  const [tooLarge, setTooLarge] = useState(false);
  const skipFirst = useRef(initialIsCurrent);
  const labels = useMemo(() => labelsKey(doc), [doc.layout]); // eslint-disable-line react-hooks/exhaustive-deps
  const latest = useRef(doc);
  latest.current = doc;

  useEffect(() => {
    if (skipFirst.current) {
      skipFirst.current = false;
      return;
    }
    if (tooBig && limit > 0 && checkBytes(latest.current) > limit) {
      setTooLarge(true);
      setChecking(false);
      return;
    }
    const controller = new AbortController();
    setChecking(true);
    const timer = window.setTimeout(() => {
      api
        .validate(latest.current, controller.signal)
        .then((result) => {
          setDiagnostics(result.diagnostics);
          setFailed(false);
          setTooLarge(false);
          setChecking(false);
        })
        .catch((err: unknown) => {
          if (err instanceof DOMException && err.name === "AbortError") return;
          setTooLarge(isApiError(err, "too_large"));
          setFailed(true);
          setChecking(false);
        });
    }, DEBOUNCE_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [api, doc.steps, doc.settings, labels, tooBig, limit]);

  return { diagnostics, setDiagnostics, checking, failed, tooLarge };
}
