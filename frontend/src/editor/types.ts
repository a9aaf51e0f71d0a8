// Shapes shared by the editor modules (docs/api-contract.md). The API's bodies are the types
// generated from its OpenAPI schema (../generated/api.d.ts, written by `make frontend`), named here.
import type { components } from "../generated/api";

/** The schemas of the API's request and response bodies. */
export type Schemas = components["schemas"];

/** A Samespace step. Unknown fields are kept and exported unchanged. */
export interface Step {
  id: string;
  type: string;
  next_step?: unknown;
  [field: string]: unknown;
}

/** Editor-only data about a step: where it sits, its label and note, digit keys not yet connected. */
export interface LayoutEntry {
  x: number;
  y: number;
  label?: string;
  note?: string;
  keys?: string[];
  [field: string]: unknown;
}

export interface FlowDocument {
  steps: Step[];
  layout: Record<string, LayoutEntry>;
  settings: { record?: boolean; [field: string]: unknown };
}

export type Diagnostic = Schemas["Diagnostic"];

/** What the page passes in through json_script("editor-config"). */
export interface EditorConfig {
  flowId: number;
  canEdit: boolean;
  apiBase: string;
  listUrl: string;
  layoutWorkerUrl: string;
  username: string;
  contactFields: string[];
  autosaveMs: number;
  /** The API's limit for a save or check of a flow (API_MAX_FLOW_BYTES): a bigger one gets 413. */
  maxBodyBytes?: number;
  /** The site's credentials page, and a call's detail page with "{id}" in place of its id. */
  credentialsUrl?: string;
  callUrl?: string;
}

/** The flow as the API describes it: the fields the editor reads, which the page's
 * json_script("editor-flow") also gives. */
export type FlowData = Pick<
  Schemas["Flow"],
  "id" | "team" | "name" | "description" | "revision" | "document" | "diagnostics" | "latest_version" | "unpublished_steps"
>;

export type VersionListItem = Schemas["VersionListItem"];
export type VersionSummary = Omit<VersionListItem, "change_summary">;

/** The draft being edited: everything a save writes. */
export interface Draft {
  name: string;
  doc: FlowDocument;
}

/** An output of a step: one handle on the node, one branch of next_step. */
export interface Output {
  key: string; // "next" for a plain next_step, else the branch key ("success", "*", "2")
  label: string;
  title: string;
}

/** A Samespace credential as GET /api/credentials/ lists it (the token is always masked). */
export type CredentialSummary = Schemas["Credential"];

export type CallStatus = Schemas["CallStatusEnum"];

/** A call as GET /api/calls/{id}/ describes it. */
export type CallInfo = Schemas["CallDetail"];
