// The editor's side of the REST API (docs/api-contract.md). Bodies are the types generated from the
// OpenAPI schema; requests carrying the canvas's document say so, as the schema only knows its
// looser wire form.
import { forChecking, type CheckedDocument } from "./doc";
import { request, type Method } from "./http";
import type { FlowDocument, Schemas } from "./types";

/** A request body whose `document` is the one the canvas edits. */
type WithDocument<T> = Omit<T, "document"> & { document: FlowDocument };

export class Api {
  constructor(private base: string, private flowId: number) {}

  private call<T>(method: Method, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    return request<T>(method, this.base + path, body, signal);
  }

  private flow(path = ""): string {
    return `flows/${this.flowId}/${path}`;
  }

  /** Checks what the checker reads of the document (doc.ts, forChecking). */
  validate(document: FlowDocument, signal?: AbortSignal) {
    const body: Omit<Schemas["ValidateDocumentRequest"], "document"> & { document: CheckedDocument } = { document: forChecking(document) };
    return this.call<Schemas["ValidationResult"]>("POST", "flows/validate/", body, signal);
  }

  get() {
    return this.call<Schemas["Flow"]>("GET", this.flow());
  }

  save(revision: number, name: string, document: FlowDocument) {
    const body: WithDocument<Schemas["PatchedFlowUpdateRequest"]> = { revision, name, document };
    return this.call<Schemas["Flow"]>("PATCH", this.flow(), body);
  }

  createCopy(name: string, document: FlowDocument, team?: number) {
    const body: WithDocument<Schemas["FlowCreateRequest"]> = { name, document, ...(team ? { team } : {}) };
    return this.call<Schemas["Flow"]>("POST", "flows/", body);
  }

  exportPayload() {
    return this.call<Schemas["Export"]>("GET", this.flow("export/"));
  }

  /** With a revision, publishes only if the saved draft is still at that revision (else 409). */
  publish(note: string, revision?: number) {
    const body: Schemas["PublishRequest"] = revision === undefined ? { note } : { note, revision };
    return this.call<Schemas["PublishedVersion"]>("POST", this.flow("publish/"), body);
  }

  /** What changed from one side to the other (each "draft" or a version number). */
  diff(from: number | "draft", to: number | "draft") {
    return this.call<Schemas["FlowDiff"]>("GET", this.flow(`diff/?from=${from}&to=${to}`));
  }

  /** Put the latest version back into the draft (a revision-checked save). */
  discard(revision: number) {
    const body: Schemas["RevisionRequest"] = { revision };
    return this.call<Schemas["Flow"]>("POST", this.flow("discard/"), body);
  }

  version(number: number) {
    return this.call<Schemas["Version"]>("GET", this.flow(`versions/${number}/`));
  }

  /** The credentials of a team (every member may read them; the token is always masked). */
  credentials(team?: number) {
    const query = `?page_size=200${team ? `&team=${team}` : ""}`;
    return this.call<Schemas["PaginatedCredentialList"]>("GET", `credentials/${query}`);
  }

  launch(body: Schemas["LaunchRequest"]) {
    return this.call<Schemas["Launched"]>("POST", this.flow("launch/"), body);
  }

  getCall(id: number, signal?: AbortSignal) {
    return this.call<Schemas["CallDetail"]>("GET", `calls/${id}/`, undefined, signal);
  }

  /** Calls per step and branch of a published version (from Samespace's call events), of every call
   * or one campaign's, over every day or from `since` to `until` (YYYY-MM-DD, both included). */
  counts(number: number, filter: { campaign?: number | null; since?: string; until?: string } = {}) {
    const query = new URLSearchParams();
    if (filter.campaign) query.set("campaign", String(filter.campaign));
    if (filter.since) query.set("since", filter.since);
    if (filter.until) query.set("until", filter.until);
    const text = query.toString();
    return this.call<Schemas["Counts"]>("GET", this.flow(`versions/${number}/counts/${text ? `?${text}` : ""}`));
  }

  /** The campaigns the user can see (the newest 200); the counts' campaign choice keeps this flow's. */
  campaigns() {
    return this.call<Schemas["PaginatedCampaignList"]>("GET", "campaigns/?page_size=200");
  }

  versions() {
    return this.call<Schemas["VersionListItem"][]>("GET", this.flow("versions/"));
  }

  restore(number: number, revision: number) {
    const body: Schemas["RevisionRequest"] = { revision };
    return this.call<Schemas["Flow"]>("POST", this.flow(`versions/${number}/restore/`), body);
  }
}
