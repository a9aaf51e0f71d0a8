// Calls per step and branch of the latest published version (GET /api/flows/{id}/versions/{n}/counts/),
// shown on the canvas when the toolbar's "Counts" toggle is on. Steps read them from this context, so
// turning them off re-renders the nodes without touching the document.
import { createContext, useEffect, useState } from "react";
import type { Api } from "./api";
import type { Schemas } from "./types";

export type Counts = Schemas["Counts"];

export const CountsContext = createContext<Counts | null>(null);

/** The counts of `version` while `on`, fetched again each time they are turned on; null otherwise. */
export function useStepCounts(api: Api, version: number | null, on: boolean): { counts: Counts | null; failed: boolean } {
  const [counts, setCounts] = useState<Counts | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!on || !version) {
      setCounts(null);
      return;
    }
    let live = true;
    setFailed(false);
    api.counts(version).then(
      (data) => live && setCounts(data),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [api, version, on]);
  return { counts, failed };
}
