// Shapes shared by the editor modules (DESIGN §2 and docs/api-contract.md).

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

export interface Diagnostic {
  severity: "error" | "warning";
  code: string;
  step: string | null;
  field: string | null;
  message: string;
}

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
  /** The site's credentials page, and a call's detail page with "{id}" in place of its id. */
  credentialsUrl?: string;
  callUrl?: string;
}

/** The flow as the API (and json_script("editor-flow")) describe it. */
export interface FlowData {
  id: number;
  team?: number;
  name: string;
  description: string;
  revision: number;
  document: unknown;
  diagnostics: Diagnostic[];
  latest_version: number | null;
}

export interface VersionSummary {
  number: number;
  note: string;
  created_by: string | null | { username?: string };
  created_at: string;
}

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

/** A Samespace credential as GET /api/credentials/ lists it (no token). */
export interface CredentialSummary {
  id: number;
  team: number;
  name: string;
  cloud_id: string;
  token_hint: string;
  rejected: boolean;
  rejected_at: string | null;
}

export type CallStatus = "queued" | "sending" | "accepted" | "failed" | "unknown" | "skipped";

/** A call as GET /api/calls/{id}/ describes it (the fields the editor shows). */
export interface CallInfo {
  id: number;
  number: string;
  version: number;
  status: CallStatus;
  status_label: string;
  attempts: number;
  not_before: string | null;
  response_status: number | null;
  samespace_call_id: string | null;
  error: string | null;
}
