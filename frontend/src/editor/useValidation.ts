// Live validation: the server's validator runs about 300 ms after the last edit.
import { useEffect, useMemo, useRef, useState } from "react";
import type { Api } from "./api";
import { isApiError } from "./http";
import type { Diagnostic, FlowDocument } from "./types";

const DEBOUNCE_MS = 300;

/** Labels appear in the messages, positions do not: only a change that matters re-checks. */
function labelsKey(doc: FlowDocument): string {
  let key = "";
  for (const [id, entry] of Object.entries(doc.layout)) if (entry.label) key += `${id}\u0000${entry.label}\u0001`;
  return key;
}

/** `tooBig`: the draft is over the API's size limit, so a check cannot be sent (413) until it shrinks. */
export function useValidation(api: Api, doc: FlowDocument, initial: Diagnostic[], initialIsCurrent: boolean, tooBig = false) {
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
    if (tooBig) {
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
  }, [api, doc.steps, doc.settings, labels, tooBig]);

  return { diagnostics, setDiagnostics, checking, failed, tooLarge };
}
