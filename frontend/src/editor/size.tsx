// How big a flow is as the server sees it: the bytes of the body a save sends, against the API's
// limit for a save or check of a flow (API_MAX_FLOW_BYTES, docs/api-contract.md), which the page
// passes as config.maxBodyBytes.
import { forChecking } from "./doc";
import type { FlowDocument } from "./types";

/** From this share of the limit on, the toolbar shows the size meter. */
export const SHOW_METER_FROM = 0.6;

const NOT_ASCII = /[^\x00-\x7f]/;

/** The UTF-8 bytes of a text: its length when it is all ASCII, as JSON mostly is (a native scan,
 * where encoding a copy of a 7 MB text took most of the measure's time). */
function utf8Bytes(text: string): number {
  return NOT_ASCII.test(text) ? new TextEncoder().encode(text).length : text.length;
}

/** The bytes of the PATCH body a save of this draft sends (the same keys, in the same order: api.ts). */
export function saveBytes(revision: number, name: string, document: FlowDocument): number {
  return utf8Bytes(JSON.stringify({ revision, name, document }));
}

/** The bytes of the body a check of this draft sends (api.ts: only what the checker reads). */
export function checkBytes(document: FlowDocument): number {
  return utf8Bytes(JSON.stringify({ document: forChecking(document) }));
}

/** "5 MB", "2.4 MB", "300 KB", "900 bytes". */
export function formatBytes(bytes: number): string {
  const one = (value: number) => (value >= 10 || Number.isInteger(value) ? String(Math.round(value)) : value.toFixed(1).replace(/\.0$/, ""));
  if (bytes >= 1024 * 1024) return `${one(bytes / (1024 * 1024))} MB`;
  if (bytes >= 1024) return `${one(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

export interface TooLarge {
  size: number;
  limit: number;
  /** The local backup holds the draft (false: this browser refused to store that much). */
  backedUp: boolean;
}

/** What a refused save says: how big, the limit, what to do, and where the work is. */
export function tooLargeText(t: TooLarge): string {
  const kept = t.backedUp
    ? "Your changes are kept in this browser, and saving starts again once the flow is small enough."
    : "This browser could not keep a copy of a flow this big: keep this tab open while you make it smaller.";
  return `Not saved: this flow is ${formatBytes(t.size)}, and FlowStudio saves flows of up to ${formatBytes(t.limit)}. Remove steps or long texts you don't need, or split it into smaller flows. ${kept}`;
}

/** The meter near the save status, once the flow is near the limit. */
export function SizeMeter({ size, limit }: { size: number | null; limit: number }) {
  if (size === null || !limit || size < limit * SHOW_METER_FROM) return null;
  const over = size > limit;
  return (
    <span className={`fs-size${over ? " is-over" : ""}`} data-testid="size-meter" title="How big this flow is, against the most FlowStudio saves">
      <meter min={0} max={limit} low={limit * 0.8} high={limit * 0.95} optimum={0} value={Math.min(size, limit)} aria-label="Flow size" />
      <span>
        {formatBytes(size)} of {formatBytes(limit)}
      </span>
    </span>
  );
}
