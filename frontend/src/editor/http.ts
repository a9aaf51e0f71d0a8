// The one way the editor calls the REST API (docs/api-contract.md): session auth with the CSRF
// token in a header, JSON both ways, and every error answer, {"message", "code", "extra"}, turned
// into an ApiError. Api (./api.ts) and SimulatorApi (./SimulatorApi.ts) both send through request().
import type { components } from "../generated/api";

/** The stable codes of API errors (docs/api-contract.md). Branch on these, never on the message. */
export type ErrorCode =
  | "revision_conflict" // 409: the draft was saved by someone else since this revision
  | "flow_archived" // 409: the flow is archived and read-only
  | "validation_failed"
  | "invalid_document"
  | "flow_has_errors" // publish or launch refused: extra.diagnostics lists the problems
  | "not_found"
  | "permission_denied"
  | "not_authenticated"
  | "too_large" // 413
  | "throttled" // 429
  | "call_in_progress"
  | "launch_refused"
  | "in_use"
  | "server_error";

/** An error answer's body. `code` is optional here so that an answer without one reads as unknown. */
type ErrorBody = Partial<components["schemas"]["Error"]> & { code?: unknown; detail?: unknown };

const OFFLINE = "FlowStudio can't be reached. Check your connection; your work is kept in this browser.";

export class ApiError extends Error {
  readonly status: number;
  /** The error's code as the server sent it; null when it sent none (or no answer came). */
  readonly code: string | null;
  readonly extra: Record<string, unknown>;

  constructor(status: number, message: string, code: string | null = null, extra: Record<string, unknown> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.extra = extra;
  }
}

/** True for an ApiError, and, given a code, only for one with that code (an unknown code never matches). */
export function isApiError(err: unknown, code?: ErrorCode): err is ApiError {
  return err instanceof ApiError && (code === undefined || err.code === code);
}

function csrfToken(): string {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function fallbackMessage(status: number): string {
  return status === 403
    ? "You don't have permission to do this. Your session may have ended: sign in again in another tab."
    : `Something went wrong on the server (${status}). Try again in a moment.`;
}

function errorFrom(status: number, data: unknown): ApiError {
  const body: ErrorBody = data && typeof data === "object" ? (data as ErrorBody) : {};
  const message =
    typeof body.message === "string" && body.message
      ? body.message
      : typeof body.detail === "string" && body.detail
        ? body.detail
        : fallbackMessage(status);
  const code = typeof body.code === "string" && body.code ? body.code : null;
  const extra = body.extra && typeof body.extra === "object" ? body.extra : {};
  return new ApiError(status, message, code, extra);
}

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Send one request; resolves to the JSON answer (undefined for 204), rejects with ApiError. */
export async function request<T>(method: Method, url: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
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
    throw new ApiError(0, OFFLINE);
  }
  if (response.status === 204) return undefined as T;
  const data: unknown = await response.json().catch(() => null);
  if (!response.ok) throw errorFrom(response.status, data);
  return data as T;
}
