// Turn whatever was loaded or imported into the document the canvas edits (docs/api-contract.md, "Document").
// Accepts a Samespace payload, a bare step list or a FlowStudio document, like the server.
import { freshIds } from "./doc";
import type { FlowDocument, LayoutEntry, Step } from "./types";

export interface Normalised {
  doc: FlowDocument;
  /** Things the editor had to change so every step can be drawn, in plain words. */
  notes: string[];
  /** True when the input carried a position for every step. */
  laidOut: boolean;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === "object" && !Array.isArray(value);
}

function idText(value: unknown): string | null {
  if (typeof value === "string") return value.trim() ? value : null;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return null;
}

function stringTarget(value: unknown): unknown {
  return typeof value === "number" && Number.isFinite(value) ? String(value) : value;
}

/** Explain why a value cannot be a flow, or return its parts. */
function unpack(input: unknown): { steps: unknown[]; layout: unknown; settings: Record<string, unknown> } | string {
  if (Array.isArray(input)) return { steps: input, layout: {}, settings: {} };
  if (!isObject(input)) return "This is not a call flow: expected a Samespace payload or a list of steps.";
  if ("steps" in input) {
    if (!Array.isArray(input.steps)) return "This is not a call flow: “steps” should be a list.";
    return { steps: input.steps, layout: input.layout, settings: isObject(input.settings) ? input.settings : {} };
  }
  if ("flow" in input) {
    if (!Array.isArray(input.flow)) return "This is not a call flow: “flow” should be a list of steps.";
    const settings: Record<string, unknown> = {};
    if (typeof input.record === "boolean") settings.record = input.record;
    return { steps: input.flow, layout: {}, settings };
  }
  return "This is not a call flow: it has no “flow” list (Samespace) or “steps” list (FlowStudio).";
}

export function normalise(input: unknown): Normalised | { error: string } {
  const parts = unpack(input);
  if (typeof parts === "string") return { error: parts };
  const notes: string[] = [];
  const steps: Step[] = [];
  const seen = new Set<string>();
  const needIds: number[] = [];
  let skipped = 0;
  parts.steps.forEach((raw) => {
    if (!isObject(raw)) {
      skipped += 1;
      return;
    }
    const step: Step = { ...raw, id: "", type: typeof raw.type === "string" ? raw.type : String(raw.type ?? "") };
    const next = raw.next_step;
    if (isObject(next)) {
      step.next_step = Object.fromEntries(Object.entries(next).map(([k, v]) => [k, stringTarget(v)]));
    } else if (next !== undefined) {
      step.next_step = stringTarget(next);
    }
    const id = idText(raw.id);
    if (id === null || seen.has(id)) needIds.push(steps.length);
    else {
      step.id = id;
      seen.add(id);
    }
    steps.push(step);
  });
  if (skipped) notes.push(`${skipped} item${skipped > 1 ? "s were" : " was"} not a step and ${skipped > 1 ? "were" : "was"} left out.`);
  if (needIds.length) {
    const draft: FlowDocument = { steps: steps.filter((s) => s.id), layout: {}, settings: {} };
    const ids = freshIds(draft, needIds.length, seen);
    needIds.forEach((index, i) => {
      const original = idText((parts.steps.filter(isObject)[index] as Record<string, unknown>).id);
      steps[index].id = ids[i];
      notes.push(
        original === null
          ? `A step had no id; it is now step ${ids[i]}.`
          : `Two steps had the id ${original}; the second one is now step ${ids[i]}. Check the links that pointed at ${original}.`,
      );
    });
  }
  const layout: Record<string, LayoutEntry> = {};
  const rawLayout = isObject(parts.layout) ? parts.layout : {};
  let placed = 0;
  for (const step of steps) {
    const entry = rawLayout[step.id];
    if (!isObject(entry)) continue;
    const x = Number(entry.x);
    const y = Number(entry.y);
    const ok = typeof entry.x === "number" && typeof entry.y === "number" && Number.isFinite(x) && Number.isFinite(y);
    if (ok) placed += 1;
    layout[step.id] = { ...entry, x: ok ? x : 0, y: ok ? y : 0 };
  }
  const settings = { record: false, ...parts.settings };
  return { doc: { steps, layout, settings }, notes, laidOut: steps.length > 0 && placed === steps.length };
}

/** Read pasted or uploaded text as JSON, with a message a person can act on. */
export function parseJson(text: string): { value: unknown } | { error: string } {
  if (!text.trim()) return { error: "Paste the flow's JSON or choose a file first." };
  try {
    return { value: JSON.parse(text) };
  } catch (err) {
    const detail = err instanceof Error ? err.message.replace(/^JSON\.parse: /, "") : "";
    return { error: `This is not valid JSON${detail ? ` (${detail})` : ""}. Check that you copied all of it, braces included.` };
  }
}
