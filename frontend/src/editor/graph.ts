// The document seen as React Flow nodes and edges. Objects are reused while nothing about
// a step changed, so a keystroke re-renders one node, not a thousand.
import { MarkerType, type Edge, type Node } from "@xyflow/react";
import { isBranching, outputsOf } from "./blocks";
import { targetOf } from "./doc";
import { ESTIMATED_HEIGHT, NODE_WIDTH } from "./layout";
import type { Diagnostic, FlowDocument, LayoutEntry, Output, Step } from "./types";

export interface StepNodeData extends Record<string, unknown> {
  step: Step;
  label: string;
  outputs: Output[];
  isStart: boolean;
  problems: Diagnostic[];
}

export type StepNodeType = Node<StepNodeData, "step">;

export type Measured = Map<string, { width: number; height: number }>;

interface NodeEntry {
  step: Step;
  layout: LayoutEntry | undefined;
  problems: Diagnostic[];
  selected: boolean;
  isStart: boolean;
  measured: { width: number; height: number } | undefined;
  draggable: boolean;
  node: StepNodeType;
}

interface EdgeEntry {
  target: string;
  selected: boolean;
  edge: Edge;
}

const NO_PROBLEMS: Diagnostic[] = [];

/** Diagnostics grouped by step; a step whose list did not change keeps the same array. */
export function groupProblems(diagnostics: Diagnostic[], previous: Map<string, Diagnostic[]>): Map<string, Diagnostic[]> {
  const grouped = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    if (d.step === null || d.step === undefined) continue;
    const id = String(d.step);
    const list = grouped.get(id);
    if (list) list.push(d);
    else grouped.set(id, [d]);
  }
  for (const [id, list] of grouped) {
    const old = previous.get(id);
    if (old && old.length === list.length && old.every((d, i) => d.code === list[i].code && d.message === list[i].message && d.field === list[i].field)) {
      grouped.set(id, old);
    }
  }
  return grouped;
}

export class GraphCache {
  private nodeEntries = new Map<string, NodeEntry>();
  private edgeEntries = new Map<string, EdgeEntry>();

  nodes(
    doc: FlowDocument,
    problems: Map<string, Diagnostic[]>,
    selected: Set<string>,
    measured: Measured,
    draggable: boolean,
    only: Set<string> | null,
  ): StepNodeType[] {
    const next = new Map<string, NodeEntry>();
    const nodes: StepNodeType[] = [];
    doc.steps.forEach((step, index) => {
      const id = step.id;
      if (only && !only.has(id)) return;
      const entry: Omit<NodeEntry, "node"> = {
        step,
        layout: doc.layout[id],
        problems: problems.get(id) ?? NO_PROBLEMS,
        selected: selected.has(id),
        isStart: index === 0,
        measured: measured.get(id),
        draggable,
      };
      const old = this.nodeEntries.get(id);
      if (
        old &&
        old.step === entry.step &&
        old.layout === entry.layout &&
        old.problems === entry.problems &&
        old.selected === entry.selected &&
        old.isStart === entry.isStart &&
        old.measured === entry.measured &&
        old.draggable === entry.draggable
      ) {
        next.set(id, old);
        nodes.push(old.node);
        return;
      }
      const dataChanged =
        !old || old.step !== entry.step || old.problems !== entry.problems || old.isStart !== entry.isStart ||
        (old.layout?.label ?? "") !== (entry.layout?.label ?? "") || old.layout?.keys !== entry.layout?.keys;
      const data: StepNodeData = dataChanged
        ? {
            step,
            label: entry.layout?.label ?? "",
            outputs: outputsOf(step, entry.layout),
            isStart: entry.isStart,
            problems: entry.problems,
          }
        : old!.node.data;
      const node: StepNodeType = {
        id,
        type: "step",
        position: { x: entry.layout?.x ?? 0, y: entry.layout?.y ?? 0 },
        data,
        selected: entry.selected,
        draggable,
        initialWidth: NODE_WIDTH,
        initialHeight: ESTIMATED_HEIGHT,
        ...(entry.measured ? { measured: entry.measured } : {}),
      };
      next.set(id, { ...entry, node });
      nodes.push(node);
    });
    this.nodeEntries = next;
    return nodes;
  }

  edges(doc: FlowDocument, selected: Set<string>, only: Set<string> | null): Edge[] {
    const ids = only ?? new Set(doc.steps.map((s) => s.id));
    const next = new Map<string, EdgeEntry>();
    const edges: Edge[] = [];
    for (const step of doc.steps) {
      if (!ids.has(step.id)) continue;
      const branching = isBranching(step);
      for (const out of outputsOf(step, doc.layout[step.id])) {
        const target = targetOf(step, out.key);
        if (target === null || !ids.has(target)) continue;
        const id = edgeId(step.id, out.key);
        const isSelected = selected.has(id);
        const old = this.edgeEntries.get(id);
        if (old && old.target === target && old.selected === isSelected) {
          next.set(id, old);
          edges.push(old.edge);
          continue;
        }
        const edge: Edge = {
          id,
          source: step.id,
          sourceHandle: out.key,
          target,
          selected: isSelected,
          label: branching ? out.label : undefined,
          className: `fs-edge fs-edge--${branchClass(out.key)}`,
          markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
          data: { key: out.key },
        };
        next.set(id, { target, selected: isSelected, edge });
        edges.push(edge);
      }
    }
    this.edgeEntries = next;
    return edges;
  }
}

export function edgeId(source: string, key: string): string {
  return `${source}\u2192${key}`;
}

export function parseEdgeId(id: string): { source: string; key: string } {
  const at = id.lastIndexOf("\u2192");
  return { source: id.slice(0, at), key: id.slice(at + 1) };
}

function branchClass(key: string): string {
  if (key === "success" || key === "fail" || key === "next") return key;
  return key === "*" ? "other" : "digit";
}
