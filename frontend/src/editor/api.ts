// The REST API (docs/api-contract.md): session auth with the CSRF token in a header.
import type { CallInfo, CredentialSummary, Diagnostic, FlowData, FlowDocument, VersionSummary } from "./types";

export class ApiError extends Error {
  status: number;
  extra: Record<string, unknown>;

  constructor(status: number, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.status = status;
    this.extra = extra;
  }
}

function csrfToken(): string {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

export class Api {
  constructor(private base: string, private flowId: number) {}

  private async call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.base + path, {
        method,
        credentials: "same-origin",
        headers: {
          Accept: "application/json",
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
          ...(method === "GET" ? {} : { "X-CSRFToken": csrfToken() }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (err) {
      if (err instanceof DOMException && err.name === "AbortError") throw err;
      throw new ApiError(0, "FlowStudio can't be reached. Check your connection; your work is kept in this browser.");
    }
    if (response.status === 204) return undefined as T;
    let data: unknown = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    if (!response.ok) {
      const shape = (data ?? {}) as { message?: string; detail?: string; extra?: Record<string, unknown> };
      const message =
        shape.message ??
        shape.detail ??
        (response.status === 403
          ? "You don't have permission to do this. Your session may have ended: sign in again in another tab."
          : `Something went wrong on the server (${response.status}). Try again in a moment.`);
      throw new ApiError(response.status, message, shape.extra ?? {});
    }
    return data as T;
  }

  private flow(path = ""): string {
    return `flows/${this.flowId}/${path}`;
  }

  validate(document: FlowDocument, signal?: AbortSignal) {
    return this.call<{ valid: boolean; diagnostics: Diagnostic[] }>("POST", "flows/validate/", { document }, signal);
  }

  get() {
    return this.call<FlowData>("GET", this.flow());
  }

  save(revision: number, name: string, document: FlowDocument) {
    return this.call<FlowData>("PATCH", this.flow(), { revision, name, document });
  }

  createCopy(name: string, document: FlowDocument, team?: number) {
    return this.call<FlowData>("POST", "flows/", { name, document, ...(team ? { team } : {}) });
  }

  exportPayload() {
    return this.call<Record<string, unknown>>("GET", this.flow("export/"));
  }

  /** With a revision, publishes only if the saved draft is still at that revision (else 409). */
  publish(note: string, revision?: number) {
    return this.call<VersionSummary>("POST", this.flow("publish/"), revision === undefined ? { note } : { note, revision });
  }

  version(number: number) {
    return this.call<VersionSummary & { document: FlowDocument }>("GET", this.flow(`versions/${number}/`));
  }

  /** The credentials of a team (every member may read them; the token is always masked). */
  credentials(team?: number) {
    return this.call<{ results: CredentialSummary[] }>("GET", `credentials/?page_size=200${team ? `&team=${team}` : ""}`);
  }

  launch(body: { number: string; credential: number; variables: Record<string, string>; version?: number }) {
    return this.call<{ call: number; status: string; url: string }>("POST", this.flow("launch/"), body);
  }

  getCall(id: number, signal?: AbortSignal) {
    return this.call<CallInfo>("GET", `calls/${id}/`, undefined, signal);
  }

  versions() {
    return this.call<VersionSummary[] | { results: VersionSummary[] }>("GET", this.flow("versions/"));
  }

  restore(number: number, revision: number) {
    return this.call<FlowData>("POST", this.flow(`versions/${number}/restore/`), { revision });
  }
}
