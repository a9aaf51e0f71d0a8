// Pure operations on the flow document. Every function returns a new document and keeps
// untouched steps and layout entries by identity, so memoised nodes skip re-rendering.
import { DIGIT_KEYS, outputsOf } from "./blocks";
import { BLOCK_BY_TYPE } from "./registry";
import type { FlowDocument, LayoutEntry, Step } from "./types";

export const EMPTY_DOC: FlowDocument = { steps: [], layout: {}, settings: { record: false } };

export interface Link {
  source: string;
  key: string; // "next" or a branch key
  target: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === "object" && !Array.isArray(value);
}

/** The id a branch points at, as a string, or null when the call ends there. */
export function targetOf(step: Step, key: string): string | null {
  const next = step.next_step;
  if (key === "next") {
    if (next === null || next === undefined || isObject(next)) return null;
    return String(next);
  }
  if (!isObject(next)) return null;
  const value = next[key];
  return value === null || value === undefined ? null : String(value);
}

export function setTarget(step: Step, key: string, target: string | null): Step {
  const copy: Step = { ...step };
  if (key === "next") {
    if (target === null) delete copy.next_step;
    else copy.next_step = target;
    return copy;
  }
  const branches: Record<string, unknown> = isObject(step.next_step) ? { ...step.next_step } : {};
  if (target === null) delete branches[key];
  else branches[key] = target;
  copy.next_step = branches;
  return copy;
}

export type CheckedDocument = Omit<FlowDocument, "layout"> & { layout: Record<string, { label: string }> };

/**
 * What the checker reads: the steps, the settings and the labels (its messages name a step by its
 * label, editor/flowcore/messages.py). Positions and notes stay out, so a check of a flow the API
 * stored without a layout is no bigger than what the API took, however the canvas laid it out.
 */
export function forChecking(doc: FlowDocument): CheckedDocument {
  const layout: CheckedDocument["layout"] = {};
  for (const [id, entry] of Object.entries(doc.layout)) {
    if (typeof entry.label === "string" && entry.label) layout[id] = { label: entry.label };
  }
  return { steps: doc.steps, layout, settings: doc.settings };
}

/** Every connection in the flow, in step order then output order. */
/** Calls `visit` with each connection of the flow, in order, without an object per connection (the
 * canvas's window walks them all whenever the view moves on, viewport.ts). */
export function forEachLink(doc: FlowDocument, visit: (source: string, key: string, target: string) => void): void {
  for (const step of doc.steps) {
    const next = step.next_step;
    if (next === null || next === undefined) continue;
    if (isObject(next)) {
      for (const key in next) {
        const value = next[key];
        if (value !== null && value !== undefined) visit(step.id, key, String(value));
      }
    } else {
      visit(step.id, "next", String(next));
    }
  }
}

export function linksOf(doc: FlowDocument): Link[] {
  const links: Link[] = [];
  forEachLink(doc, (source, key, target) => links.push({ source, key, target }));
  return links;
}

export function indexOf(doc: FlowDocument, id: string): number {
  return doc.steps.findIndex((s) => s.id === id);
}

export function stepById(doc: FlowDocument, id: string): Step | undefined {
  return doc.steps.find((s) => s.id === id);
}

/** The next free numeric id ("0", "1", …), like the ids in Samespace's examples. */
export function freshIds(doc: FlowDocument, count: number, taken: Set<string> = new Set()): string[] {
  const used = new Set([...doc.steps.map((s) => s.id), ...taken]);
  let n = 0;
  for (const id of used) if (/^\d+$/.test(id)) n = Math.max(n, Number(id) + 1);
  const ids: string[] = [];
  while (ids.length < count) {
    const id = String(n++);
    if (!used.has(id)) ids.push(id);
  }
  return ids;
}

export function replaceStep(doc: FlowDocument, id: string, fn: (step: Step) => Step): FlowDocument {
  const i = indexOf(doc, id);
  if (i < 0) return doc;
  const updated = fn(doc.steps[i]);
  if (updated === doc.steps[i]) return doc;
  const steps = doc.steps.slice();
  steps[i] = updated;
  return { ...doc, steps };
}

/** Set a field; an empty value removes it, so export never sends "" to Samespace. */
export function setField(doc: FlowDocument, id: string, field: string, value: unknown): FlowDocument {
  return replaceStep(doc, id, (step) => {
    const copy: Step = { ...step };
    if (value === "" || value === undefined) delete copy[field];
    else copy[field] = value;
    return copy;
  });
}

export function setLayout(doc: FlowDocument, id: string, patch: Partial<LayoutEntry>): FlowDocument {
  const current = doc.layout[id] ?? { x: 0, y: 0 };
  const next: LayoutEntry = { ...current, ...patch };
  for (const key of ["label", "note"] as const) if (next[key] === "") delete next[key];
  if (next.keys && next.keys.length === 0) delete next.keys;
  return { ...doc, layout: { ...doc.layout, [id]: next } };
}

export function moveSteps(doc: FlowDocument, positions: Map<string, { x: number; y: number }>): FlowDocument {
  const layout = { ...doc.layout };
  for (const [id, pos] of positions) layout[id] = { ...(layout[id] ?? {}), x: Math.round(pos.x), y: Math.round(pos.y) };
  return { ...doc, layout };
}

export function connect(doc: FlowDocument, source: string, key: string, target: string | null): FlowDocument {
  return replaceStep(doc, source, (step) => setTarget(step, key, target));
}

/** The first output of a step that leads nowhere yet (where "click to add" connects a new step). */
export function outputsTargetFree(doc: FlowDocument, id: string): string | null {
  const step = stepById(doc, id);
  if (!step) return null;
  const free = outputsOf(step, doc.layout[id]).find((out) => targetOf(step, out.key) === null);
  return free ? free.key : null;
}

export function addStep(doc: FlowDocument, type: string, at: { x: number; y: number }): { doc: FlowDocument; id: string } {
  const [id] = freshIds(doc, 1);
  const step: Step = { ...BLOCK_BY_TYPE[type]?.new_step, id, type };
  const steps = [...doc.steps, step];
  const layout = { ...doc.layout, [id]: { x: Math.round(at.x), y: Math.round(at.y) } };
  return { doc: { ...doc, steps, layout }, id };
}

/** Remove steps and every connection that pointed at them. */
export function removeSteps(doc: FlowDocument, ids: Set<string>): FlowDocument {
  if (ids.size === 0) return doc;
  const layout = { ...doc.layout };
  ids.forEach((id) => delete layout[id]);
  const steps = doc.steps
    .filter((s) => !ids.has(s.id))
    .map((step) => {
      let updated = step;
      for (const out of outputsOf(step)) {
        const target = targetOf(step, out.key);
        if (target !== null && ids.has(target)) updated = setTarget(updated, out.key, null);
      }
      return updated;
    });
  return { ...doc, steps, layout };
}

/** Rename a step and every reference to it. Returns an error message instead when not possible. */
export function renameStep(doc: FlowDocument, from: string, to: string): FlowDocument | string {
  const id = to.trim();
  if (!id) return "A step needs an id.";
  if (id === from) return doc;
  if (doc.steps.some((s) => s.id === id)) return `Another step already has the id ${id}.`;
  const steps = doc.steps.map((step) => {
    let updated = step.id === from ? { ...step, id } : step;
    const next = updated.next_step;
    if (next !== null && next !== undefined && !isObject(next) && String(next) === from) {
      updated = { ...updated, next_step: id };
    } else if (isObject(next) && Object.values(next).some((v) => v !== null && String(v) === from)) {
      const branches = Object.fromEntries(Object.entries(next).map(([k, v]) => [k, v !== null && String(v) === from ? id : v]));
      updated = { ...updated, next_step: branches };
    }
    return updated;
  });
  const layout = { ...doc.layout };
  if (layout[from]) {
    layout[id] = layout[from];
    delete layout[from];
  }
  return { ...doc, steps, layout };
}

/** Move a step to the front of the list: the first step is where the call starts. */
export function makeStart(doc: FlowDocument, id: string): FlowDocument {
  const i = indexOf(doc, id);
  if (i <= 0) return doc;
  const steps = doc.steps.slice();
  const [step] = steps.splice(i, 1);
  return { ...doc, steps: [step, ...steps] };
}

export function addDigitKey(doc: FlowDocument, id: string, key: string): FlowDocument {
  const keys = doc.layout[id]?.keys ?? [];
  return keys.includes(key) ? doc : setLayout(doc, id, { keys: [...keys, key] });
}

export function removeDigitKey(doc: FlowDocument, id: string, key: string): FlowDocument {
  const keys = (doc.layout[id]?.keys ?? []).filter((k) => k !== key);
  const withoutBranch = connect(doc, id, key, null);
  return setLayout(withoutBranch, id, { keys });
}

export function freeDigitKeys(step: Step, layout?: LayoutEntry): string[] {
  const used = new Set(outputsOf(step, layout).map((o) => o.key));
  return DIGIT_KEYS.filter((k) => !used.has(k));
}

/** Variables set by digits steps from which this step can be reached (the variable picker's list). */
export function upstreamVariables(doc: FlowDocument, id: string): string[] {
  const parents = new Map<string, string[]>();
  for (const link of linksOf(doc)) {
    const list = parents.get(link.target);
    if (list) list.push(link.source);
    else parents.set(link.target, [link.source]);
  }
  const byId = new Map(doc.steps.map((s) => [s.id, s]));
  const seen = new Set<string>([id]);
  const stack = [...(parents.get(id) ?? [])];
  const variables = new Set<string>();
  while (stack.length) {
    const current = stack.pop() as string;
    if (seen.has(current)) continue;
    seen.add(current);
    const step = byId.get(current);
    if (step?.type === "digits" && typeof step.variable === "string" && step.variable) variables.add(step.variable);
    stack.push(...(parents.get(current) ?? []));
  }
  return [...variables].sort();
}

/** Copies of the given steps with new ids; links inside the group follow the copies. */
export function cloneSteps(
  doc: FlowDocument,
  source: { steps: Step[]; layout: Record<string, LayoutEntry> },
  offset: { x: number; y: number },
): { doc: FlowDocument; ids: string[] } {
  const newIds = freshIds(doc, source.steps.length);
  const remap = new Map(source.steps.map((s, i) => [s.id, newIds[i]]));
  const existing = new Set(doc.steps.map((s) => s.id));
  const follow = (value: unknown): unknown => {
    if (value === null || value === undefined) return value;
    const old = String(value);
    if (remap.has(old)) return remap.get(old);
    return existing.has(old) ? old : undefined; // a link to a step that is not in this flow is dropped
  };
  const layout = { ...doc.layout };
  const copies = source.steps.map((step, i) => {
    const copy: Step = { ...step, id: newIds[i] };
    const next = step.next_step;
    if (isObject(next)) {
      const branches: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(next)) {
        const target = follow(v);
        if (target !== undefined) branches[k] = target;
      }
      copy.next_step = branches;
    } else if (next !== undefined && next !== null) {
      const target = follow(next);
      if (target === undefined) delete copy.next_step;
      else copy.next_step = target;
    }
    const place = source.layout[step.id] ?? { x: 0, y: 0 };
    layout[newIds[i]] = { ...place, x: place.x + offset.x, y: place.y + offset.y };
    return copy;
  });
  return { doc: { ...doc, steps: [...doc.steps, ...copies], layout }, ids: newIds };
}

export function selectionClip(doc: FlowDocument, ids: Set<string>): { steps: Step[]; layout: Record<string, LayoutEntry> } {
  const steps = doc.steps.filter((s) => ids.has(s.id));
  const layout: Record<string, LayoutEntry> = {};
  for (const s of steps) if (doc.layout[s.id]) layout[s.id] = doc.layout[s.id];
  return { steps, layout };
}

export function hasLayout(doc: FlowDocument): boolean {
  return doc.steps.length > 0 && doc.steps.every((s) => {
    const place = doc.layout[s.id];
    return place && Number.isFinite(place.x) && Number.isFinite(place.y);
  });
}

// {{contact.x}}, as the flow core reads it (editor/flowcore/templates.py CONTACT_RE).
const CONTACT_RE = /\{\{\s*contact\.([A-Za-z0-9_]+)\s*\}\}/g;
// Step fields that hold ids, not text: never scanned for variables.
const REFERENCE_FIELDS = new Set(["id", "next_step"]);

/** Names x of every {{contact.x}} the steps use, sorted (editor/flowcore/export.py contact_variables_used). */
export function contactVariables(doc: FlowDocument): string[] {
  const found = new Set<string>();
  const stack: unknown[] = [];
  for (const step of doc.steps) {
    for (const [key, value] of Object.entries(step)) if (!REFERENCE_FIELDS.has(key)) stack.push(value);
  }
  while (stack.length) {
    const value = stack.pop();
    if (typeof value === "string") {
      if (value.includes("{{")) for (const m of value.matchAll(CONTACT_RE)) found.add(m[1]);
    } else if (Array.isArray(value) || isObject(value)) {
      for (const item of Object.values(value)) stack.push(item);
    }
  }
  return [...found].sort();
}
