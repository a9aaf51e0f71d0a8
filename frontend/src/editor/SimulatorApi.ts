// The simulator's and flow tests' side of the REST API (editor/flows/api/simulator/views.py), and the
// stylesheet that paints a run or the test coverage onto the canvas. Bodies are the types generated
// from the OpenAPI schema; where the schema leaves a part loose (a transcript event, what a run
// waits for), its shape is written out here.
import { request, type Method } from "./http";
import type { FlowDocument, Schemas } from "./types";

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

type Scenario = Pick<Schemas["Scenario"], "inputs" | "expectations">;

export type Simulation = Omit<Schemas["Simulation"], "waiting" | "end" | "edges" | "transcript" | "inputs" | "scenario"> & {
  waiting: Waiting | null;
  end: { step: string | null; reason: string; message: string } | null;
  edges: Edge[];
  transcript: SimEvent[];
  inputs: Inputs;
  scenario: Scenario;
};

export type TestCase = Schemas["Scenario"];

export type TestResult = Omit<Schemas["Result"], "run"> & {
  run: { path: string[]; edges: Edge[]; ends_at: string | null; variables: Record<string, string> } | null;
};

/** The report of a run of the flow tests; a publish answer's `tests` adds `warning`. */
export type Report = Omit<Schemas["Report"], "results"> & { warning?: boolean; results: TestResult[] };

export type Coverage = Omit<Schemas["Coverage"], "untaken"> & { untaken: Edge[] };

export class SimulatorApi {
  constructor(private base: string, private flowId: number) {}

  private call<T>(method: Method, path: string, body?: unknown): Promise<T> {
    return request<T>(method, `${this.base}flows/${this.flowId}/${path}`, body);
  }

  simulate(document: FlowDocument, inputs: Inputs) {
    const body: Omit<Schemas["SimulateRequest"], "document"> & { document: FlowDocument } = { document, inputs };
    return this.call<Simulation>("POST", "simulate/", body);
  }

  tests() {
    return this.call<TestCase[]>("GET", "tests/");
  }

  saveTest(test: Schemas["ScenarioWriteRequest"]) {
    return this.call<TestCase>("POST", "tests/", test);
  }

  changeTest(id: number, change: Schemas["PatchedScenarioWriteRequest"]) {
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
    const body: Partial<Schemas["GenerateRequest"]> = {};
    return this.call<Schemas["Generated"]>("POST", "tests/generate/", body);
  }

  settings() {
    return this.call<Schemas["TestSettings"]>("GET", "tests/settings/");
  }

  changeSettings(block: boolean) {
    const body: Schemas["TestSettingsRequest"] = { scenario_failures_block_publish: block };
    return this.call<Schemas["TestSettings"]>("PUT", "tests/settings/", body);
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
    if (visited.length) rules.push(`${visited.map(node).join(",")} { outline: 3px solid var(--fs-success); outline-offset: 3px; }`);
    const taken = run.edges.filter((e) => e.to !== null);
    if (taken.length) {
      rules.push(`${taken.map((e) => `${edge(e.step, e.key)} .react-flow__edge-path`).join(",")} { stroke: var(--fs-success); stroke-width: 3.5; }`);
    }
    if (run.current) rules.push(`${node(run.current)} { outline: 3px solid var(--fs-brand); outline-offset: 3px; animation: fs-sim-pulse 1.4s ease-in-out infinite; }`);
  }
  if (untaken && untaken.length) {
    const lines = untaken.filter((e) => e.to !== null).map((e) => `${edge(e.step, e.key)} .react-flow__edge-path`);
    if (lines.length) rules.push(`${lines.join(",")} { stroke: var(--fs-error); stroke-dasharray: 6 5; stroke-width: 2.2; }`);
    rules.push(`${untaken.map((e) => port(e.step, e.key)).join(",")} { background: repeating-linear-gradient(135deg, var(--fs-error-subtle) 0 4px, var(--fs-surface) 4px 8px); color: var(--fs-error-strong); }`);
  }
  return rules.join("\n");
}
