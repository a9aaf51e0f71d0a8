// The union of two sides of a comparison as React Flow nodes and edges: every step of the new side
// (marked added, changed or renamed), plus the removed steps of the old side, ghosted. The diff comes
// from GET /api/flows/{id}/diff/ (editor/flowcore/diff.py); only what it says changed is marked.
import { MarkerType, type Edge, type Node } from "@xyflow/react";
import { isBranching, outputsOf } from "./blocks";
import { targetOf } from "./doc";
import { ESTIMATED_HEIGHT, NODE_WIDTH } from "./layout";
import type { FlowDocument, Schemas, Step } from "./types";

export type FlowDiff = Schemas["FlowDiff"];
export type StepChange = Schemas["StepChange"];
export type FieldChange = Schemas["FieldChange"];
export type ChangeKind = "added" | "removed" | "changed" | "renamed" | "same";

export interface CompareNodeData extends Record<string, unknown> {
  step: Step;
  label: string;
  kind: ChangeKind;
  /** Renamed steps: the id they had before. */
  was: string | null;
  isStart: boolean;
}

export type CompareNodeType = Node<CompareNodeData, "compare">;

/** One line of the changes list, pointing at a node of the union graph. */
export interface ChangeItem {
  nodeId: string;
  kind: Exclude<ChangeKind, "same">;
  stepId: string;
  fields: FieldChange[];
  labelFields: FieldChange[];
  before: Step | null;
  after: Step | null;
}

export const REMOVED_PREFIX = "removed:";

export interface CompareGraph {
  nodes: CompareNodeType[];
  edges: Edge[];
  items: ChangeItem[];
  renames: Map<string, string>;
}

function labelChanges(diff: FlowDiff): Map<string, FieldChange[]> {
  const byNewId = new Map<string, FieldChange[]>();
  for (const entry of diff.layout) {
    if (entry.change === "changed" && entry.fields?.length) byNewId.set(entry.new_id ?? entry.id, entry.fields);
  }
  return byNewId;
}

function targets(step: Step, doc: FlowDocument): Map<string, string> {
  const found = new Map<string, string>();
  for (const out of outputsOf(step, doc.layout[step.id])) {
    const target = targetOf(step, out.key);
    if (target !== null) found.set(out.key, target);
  }
  return found;
}

export function buildCompareGraph(before: FlowDocument, after: FlowDocument, diff: FlowDiff): CompareGraph {
  const renames = new Map<string, string>();
  const changed = new Map<string, StepChange>();
  const added = new Set<string>();
  const removed = new Set<string>();
  for (const entry of diff.steps) {
    if (entry.id === null || entry.nth !== 0) continue; // a repeated or missing id (a broken flow): not drawn
    if (entry.change === "added") added.add(entry.id);
    else if (entry.change === "removed") removed.add(entry.id);
    else {
      changed.set(entry.new_id ?? entry.id, entry);
      if (entry.new_id) renames.set(entry.id, entry.new_id);
    }
  }
  const labels = labelChanges(diff);
  const oldById = new Map(before.steps.map((s) => [s.id, s]));
  const back = new Map([...renames].map(([from, to]) => [to, from]));

  const nodes: CompareNodeType[] = [];
  const items: ChangeItem[] = [];
  const node = (id: string, step: Step, doc: FlowDocument, kind: ChangeKind, was: string | null, isStart: boolean) => {
    const place = doc.layout[step.id];
    nodes.push({
      id,
      type: "compare",
      position: { x: place?.x ?? 0, y: place?.y ?? 0 },
      data: { step, label: place?.label ?? "", kind, was, isStart },
      draggable: false,
      connectable: false,
      initialWidth: NODE_WIDTH,
      initialHeight: ESTIMATED_HEIGHT,
    });
  };
  after.steps.forEach((step, index) => {
    const entry = changed.get(step.id);
    const relabelled = labels.get(step.id) ?? [];
    const fields = (entry?.fields ?? []).filter((f) => f.field !== "id");
    let kind: ChangeKind = "same";
    if (added.has(step.id)) kind = "added";
    else if (fields.length || relabelled.length) kind = "changed";
    else if (entry?.new_id) kind = "renamed";
    const was = entry?.new_id ? entry.id : null;
    node(step.id, step, after, kind, was, index === 0);
    if (kind !== "same") {
      const old = oldById.get(back.get(step.id) ?? step.id) ?? null;
      // A renamed step that also changed lists its new id among its changes.
      const listed = entry?.new_id && fields.length ? entry.fields ?? [] : fields;
      items.push({ nodeId: step.id, kind, stepId: step.id, fields: listed, labelFields: relabelled, before: kind === "added" ? null : old, after: step });
    }
  });
  before.steps.forEach((step) => {
    if (!removed.has(step.id)) return;
    node(REMOVED_PREFIX + step.id, step, before, "removed", null, false);
    items.push({ nodeId: REMOVED_PREFIX + step.id, kind: "removed", stepId: step.id, fields: [], labelFields: [], before: step, after: null });
  });

  // Edges: the new side's, marked added when the old side had no such connection; the old side's
  // connections that are gone, drawn dashed (ids mapped through the renames).
  const newById = new Map(after.steps.map((s) => [s.id, s]));
  const nodeOfOld = (id: string) => (removed.has(id) ? REMOVED_PREFIX + id : renames.get(id) ?? id);
  const oldEdges = new Map<string, string>();
  for (const step of before.steps) {
    for (const [key, target] of targets(step, before)) oldEdges.set(`${nodeOfOld(step.id)}\u2192${key}`, nodeOfOld(target));
  }
  const edges: Edge[] = [];
  const edge = (source: string, key: string, target: string, kind: "added" | "removed" | "same", branching: boolean) => {
    const word = kind === "added" ? "new" : kind === "removed" ? "removed" : "";
    const label = [branching ? key : "", word].filter(Boolean).join(" · ");
    edges.push({
      id: `${kind}:${source}\u2192${key}`,
      source,
      sourceHandle: key,
      target,
      label: label || undefined,
      className: `fs-edge fs-cmp-edge fs-cmp-edge--${kind}`,
      markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
      selectable: false,
    });
  };
  for (const step of after.steps) {
    const branching = isBranching(step);
    for (const [key, target] of targets(step, after)) {
      if (!newById.has(target)) continue;
      const id = `${step.id}\u2192${key}`;
      const same = oldEdges.get(id) === target;
      edge(step.id, key, target, same ? "same" : "added", branching);
      if (same) oldEdges.delete(id);
    }
  }
  const drawn = new Set(nodes.map((n) => n.id));
  for (const [id, target] of oldEdges) {
    const at = id.lastIndexOf("\u2192");
    const source = id.slice(0, at);
    if (!drawn.has(source) || !drawn.has(target)) continue;
    const step = source.startsWith(REMOVED_PREFIX) ? oldById.get(source.slice(REMOVED_PREFIX.length)) : newById.get(source);
    edge(source, id.slice(at + 1), target, "removed", step ? isBranching(step) : false);
  }
  return { nodes, edges, items, renames };
}

const BRANCH_WORDS: Record<string, string> = { success: "if it works", fail: "if it fails", "*": "on any other key", next: "next" };

/** "next step, if it works" for a field change, in plain words. */
export function fieldName(change: FieldChange): string {
  if (change.field === null) return "the whole step";
  if (change.field === "next_step") {
    if (change.branch === undefined) return "goes to";
    return `goes to, ${BRANCH_WORDS[change.branch] ?? `on key ${change.branch}`}`;
  }
  return change.field.replace(/_/g, " ");
}

/** A value as a person reads it: step references as "step 4", text as it is, absent as "—". */
export function valueText(change: FieldChange, side: "old" | "new"): string {
  if (!(side in change)) return change.field === "next_step" ? "ends the call" : "—";
  const value = change[side];
  if (value === null || value === undefined) return change.field === "next_step" ? "ends the call" : "—";
  if (change.field === "next_step" && (typeof value === "string" || typeof value === "number")) return `step ${value}`;
  return typeof value === "string" ? value : JSON.stringify(value);
}
