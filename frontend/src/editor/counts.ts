// Calls per step and branch of the latest published version (GET /api/flows/{id}/versions/{n}/counts/),
// shown on the canvas when the toolbar's "Counts" toggle is on, of every call or one campaign's, over
// every day or a date range (CountsFilterBar). Steps read them from this context, so turning them off
// re-renders the nodes without touching the document.
import { createContext, useEffect, useState } from "react";
import type { Api } from "./api";
import type { Schemas } from "./types";

export type Counts = Schemas["Counts"];

export const CountsContext = createContext<Counts | null>(null);

export type DaysChoice = "all" | "7" | "30" | "custom";

/** Which calls are counted: a campaign's (null: every call), and which days (the calls' creation
 * date, UTC, as the API counts them). */
export interface CountsFilter {
  campaign: number | null;
  days: DaysChoice;
  from: string;
  to: string;
}

export const EVERY_CALL: CountsFilter = { campaign: null, days: "all", from: "", to: "" };

/** YYYY-MM-DD of `today` minus `back` days, in UTC (the counts' days are UTC days). */
export function utcDay(today: Date, back = 0): string {
  return new Date(today.getTime() - back * 86_400_000).toISOString().slice(0, 10);
}

/** The API's since/until for `filter`; null while a custom range is not complete or runs backwards. */
export function countsRange(filter: CountsFilter, today = new Date()): { since?: string; until?: string } | null {
  if (filter.days === "all") return {};
  if (filter.days === "custom") {
    if (!filter.from || !filter.to || filter.from > filter.to) return null;
    return { since: filter.from, until: filter.to };
  }
  return { since: utcDay(today, Number(filter.days) - 1), until: utcDay(today) };
}

/** The counts of `version` for `filter` while `on`, fetched again each time they are turned on or the
 * filter changes; null otherwise. */
export function useStepCounts(
  api: Api, version: number | null, on: boolean, filter: CountsFilter = EVERY_CALL,
): { counts: Counts | null; failed: boolean } {
  const [counts, setCounts] = useState<Counts | null>(null);
  const [failed, setFailed] = useState(false);
  const range = countsRange(filter);
  const since = range?.since;
  const until = range?.until;
  const ready = range !== null;
  useEffect(() => {
    if (!on || !version || !ready) {
      setCounts(null);
      return;
    }
    let live = true;
    setFailed(false);
    api.counts(version, { campaign: filter.campaign, since, until }).then(
      (data) => live && setCounts(data),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [api, version, on, filter.campaign, since, until, ready]);
  return { counts, failed };
}

/** This flow's campaigns that call `version` (fetched once while `on`), for the campaign choice. */
export function useFlowCampaigns(api: Api, flowId: number, version: number | null, on: boolean): { id: number; name: string }[] {
  const [campaigns, setCampaigns] = useState<{ id: number; name: string }[]>([]);
  useEffect(() => {
    if (!on || !version) return;
    let live = true;
    api.campaigns().then(
      (page) => live && setCampaigns(page.results.filter((c) => c.flow.id === flowId && c.version === version)
        .map((c) => ({ id: c.id, name: c.name }))),
      () => live && setCampaigns([]),  // the choice then offers every call only
    );
    return () => {
      live = false;
    };
  }, [api, flowId, version, on]);
  return campaigns;
}
