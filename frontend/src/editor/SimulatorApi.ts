// The simulator's and flow tests' side of the REST API (editor/api/simulator.py), and the
// stylesheet that paints a run or the test coverage onto the canvas.
import { ApiError } from "./api";
import type { FlowDocument } from "./types";

export interface Inputs {
  digits: Record<string, string[]>;
  http: Record<string, unknown[]>;
}

export interface HttpAnswer {
  outcome: "success" | "fail";
  status: number | null;
  error: string | null;
  sent: boolean;
  body?: string;
}

export interface SimEvent {
  index: number;
  step: string | null;
  kind: "call" | "play" | "digits" | "http" | "connect" | "end";
  message: string;
  say?: string;
  url?: string;
  number?: string;
  entered?: string;
  variable?: string;
  request?: { method: string; url: string };
  response?: HttpAnswer;
  branch?: string | null;
  reason?: string;
  unset?: string[];
  variables: Record<string, string>;
}

export interface Waiting {
  kind: "digits" | "http";
  step: string;
  visit: number;
  message: string;
  count?: number;
  variable?: string;
  keys?: string[];
  request?: { method: string; url: string };
}

export interface Edge {
  step: string;
  key: string;
  to: string | null;
}

export interface Simulation {
  status: "waiting" | "ended";
  waiting: Waiting | null;
  end: { step: string | null; reason: string; message: string } | null;
  path: string[];
  edges: Edge[];
  variables: Record<string, string>;
  transcript: SimEvent[];
  inputs: Inputs;
  scenario: { inputs: Inputs; expectations: Record<string, unknown> };
}

export interface TestCase {
  id: number;
  name: string;
  inputs: Inputs;
  expectations: Record<string, unknown>;
  generated: boolean;
}

export interface TestResult {
  id: number;
  name: string;
  generated: boolean;
  passed: boolean;
  difference: string | null;
  run: { path: string[]; edges: Edge[]; ends_at: string | null; variables: Record<string, string> } | null;
}

export interface Report {
  total: number;
  passed: number;
  failed: number;
  blocks_publish: boolean;
  warning?: boolean;
  results: TestResult[];
}

export interface Coverage {
  scenarios: number;
  total: number;
  taken: number;
  branches: (Edge & { taken: boolean; scenarios: string[] })[];
  untaken: Edge[];
  untested_steps: string[];
}

function csrfToken(): string {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

export class SimulatorApi {
  constructor(private base: string, private flowId: number) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.base}flows/${this.flowId}/${path}`, {
        method,
        credentials: "same-origin",
        headers: {
          Accept: "application/json",
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
          ...(method === "GET" ? {} : { "X-CSRFToken": csrfToken() }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, "FlowStudio can't be reached. Check your connection.");
    }
    if (response.status === 204) return undefined as T;
    const data = (await response.json().catch(() => null)) as { message?: string; extra?: Record<string, unknown> } | null;
    if (!response.ok) {
      throw new ApiError(response.status, data?.message ?? `Something went wrong on the server (${response.status}).`, data?.extra ?? {});
    }
    return data as T;
  }

  simulate(document: FlowDocument, inputs: Inputs) {
    return this.call<Simulation>("POST", "simulate/", { document, inputs });
  }

  tests() {
    return this.call<TestCase[]>("GET", "tests/");
  }

  saveTest(test: { name: string; inputs: Inputs; expectations: Record<string, unknown> }) {
    return this.call<TestCase>("POST", "tests/", test);
  }

  changeTest(id: number, change: Partial<Pick<TestCase, "name" | "generated">>) {
    return this.call<TestCase>("PATCH", `tests/${id}/`, change);
  }

  deleteTest(id: number) {
    return this.call<void>("DELETE", `tests/${id}/`);
  }

  run() {
    return this.call<Report>("POST", "tests/run/");
  }

  coverage() {
    return this.call<Coverage>("GET", "tests/coverage/");
  }

  generate() {
    return this.call<{ created: TestCase[]; skipped: number; truncated: boolean }>("POST", "tests/generate/", {});
  }

  settings() {
    return this.call<{ scenario_failures_block_publish: boolean }>("GET", "tests/settings/");
  }

  changeSettings(block: boolean) {
    return this.call<{ scenario_failures_block_publish: boolean }>("PUT", "tests/settings/", {
      scenario_failures_block_publish: block,
    });
  }
}

/** An empty set of inputs. */
export function noInputs(): Inputs {
  return { digits: {}, http: {} };
}

/** One more input for a step, the inputs given so far left as they are. */
export function withInput(inputs: Inputs, kind: "digits" | "http", step: string, value: unknown): Inputs {
  const next: Inputs = { digits: { ...inputs.digits }, http: { ...inputs.http } };
  if (kind === "digits") next.digits[step] = [...(next.digits[step] ?? []), String(value)];
  else next.http[step] = [...(next.http[step] ?? []), value];
  return next;
}

/** The inputs without the last one given for a step (for "undo"). */
export function withoutLast(inputs: Inputs, kind: "digits" | "http", step: string): Inputs {
  const next: Inputs = { digits: { ...inputs.digits }, http: { ...inputs.http } };
  const list = (kind === "digits" ? next.digits[step] : next.http[step]) ?? [];
  const shorter = list.slice(0, -1);
  if (kind === "digits") {
    if (shorter.length) next.digits[step] = shorter as string[];
    else delete next.digits[step];
  } else if (shorter.length) next.http[step] = shorter;
  else delete next.http[step];
  return next;
}

/** A CSS string literal. */
function str(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\A ")}"`;
}

const node = (id: string) => `.fs-node[data-step-id=${str(id)}]`;
const edge = (step: string, key: string) => `.react-flow__edge[data-testid=${str(`rf__edge-${step}\u2192${key}`)}]`;
const port = (step: string, key: string) => `${node(step)} .fs-port[data-port=${str(key)}]`;

/**
 * The rules that paint the canvas: the steps and branches a run went through, the step it is
 * at, and (coverage) the branches no test takes. Written as a stylesheet keyed by step ids so the
 * canvas components need not know about the simulator, and nodes do not re-render.
 */
export function canvasStyle(run: { path: string[]; edges: Edge[]; current: string | null } | null, untaken: Edge[] | null): string {
  const rules: string[] = [];
  if (run) {
    const visited = [...new Set(run.path)];
    if (visited.length) rules.push(`${visited.map(node).join(",")} { outline: 3px solid #22c55e; outline-offset: 3px; }`);
    const taken = run.edges.filter((e) => e.to !== null);
    if (taken.length) {
      rules.push(`${taken.map((e) => `${edge(e.step, e.key)} .react-flow__edge-path`).join(",")} { stroke: #16a34a; stroke-width: 3.5; }`);
    }
    if (run.current) rules.push(`${node(run.current)} { outline: 3px solid #2563eb; outline-offset: 3px; animation: fs-sim-pulse 1.4s ease-in-out infinite; }`);
  }
  if (untaken && untaken.length) {
    const lines = untaken.filter((e) => e.to !== null).map((e) => `${edge(e.step, e.key)} .react-flow__edge-path`);
    if (lines.length) rules.push(`${lines.join(",")} { stroke: #dc2626; stroke-dasharray: 6 5; stroke-width: 2.2; }`);
    rules.push(`${untaken.map((e) => port(e.step, e.key)).join(",")} { background: repeating-linear-gradient(135deg, #fee2e2 0 4px, #fff 4px 8px); color: #991b1b; }`);
  }
  return rules.join("\n");
}
