// What the palette, the nodes and the inspector show for each block. The data (types, fields,
// titles, branch keys, defaults) comes from the generated registry (./registry.ts); this module
// only derives the outputs and the one-line summaries of steps from it.
import { BLOCK_BY_TYPE, DIALLING, PATTERNS, defaultOf, type BlockSpec } from "./registry";
import type { LayoutEntry, Output, Step } from "./types";

const DIGITS = BLOCK_BY_TYPE.digits.next_step;
/** The keypad keys a digits step can branch on, besides "*" (any other input), in keypad order. */
export const DIGIT_KEYS: readonly string[] = DIGITS.keys.filter((k) => !DIGITS.drawn.includes(k));

export function blockFor(step: Step): BlockSpec | undefined {
  return BLOCK_BY_TYPE[step.type];
}

function isBranches(next: unknown): next is Record<string, unknown> {
  return !!next && typeof next === "object" && !Array.isArray(next);
}

/** A step of an unknown type is drawn as its next_step is shaped: branches like digits, else one output. */
function shapeOf(step: Step): BlockSpec["next_step"] {
  return blockFor(step)?.next_step ?? (isBranches(step.next_step) ? DIGITS : BLOCK_BY_TYPE.call.next_step);
}

function outputOf(shape: BlockSpec["next_step"], key: string): Output {
  const title = shape.titles[key] ?? shape.key_title.replace("{key}", key);
  const label = shape.labels[key] ?? shape.key_label.replace("{key}", key);
  return { key, label, title };
}

/** The outputs (handles) of a step, in the order they are drawn and laid out. */
export function outputsOf(step: Step, layout?: LayoutEntry): Output[] {
  const shape = shapeOf(step);
  if (!shape.adds_keys) return shape.drawn.map((key) => outputOf(shape, key));
  const keys = new Set<string>(shape.drawn);
  if (isBranches(step.next_step)) Object.keys(step.next_step).forEach((k) => keys.add(k));
  (layout?.keys ?? []).forEach((k) => keys.add(k));
  const rank = (key: string) => (shape.keys.includes(key) ? shape.keys.indexOf(key) : shape.keys.length);
  return [...keys].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).map((key) => outputOf(shape, key));
}

export function isBranching(step: Step): boolean {
  return shapeOf(step).keys.length > 0;
}

function text(value: unknown): string {
  if (value === undefined || value === null || value === "") return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function cut(value: string, length: number): string {
  return value.length > length ? value.slice(0, length - 1) + "…" : value;
}

/** One or two short lines that tell what a step does, shown on its node (always as text). */
export function summaryOf(step: Step): { lines: string[]; empty: boolean } {
  const number = text(step.number);
  switch (step.type) {
    case "call": {
      if (!number) return { lines: ["No number yet"], empty: true };
      const calls = PATTERNS.contactNumber.test(number) ? DIALLING.calls_contact : `Calls ${cut(number, 28)}`;
      return { lines: [calls, text(step.caller_id) ? `from ${cut(text(step.caller_id), 24)}` : ""], empty: false };
    }
    case "play": {
      const said = text(step.text);
      if (said) return { lines: [`“${cut(said, 70)}”`], empty: false };
      const url = text(step.url);
      return url ? { lines: [`Plays ${cut(url, 40)}`], empty: false } : { lines: ["Nothing to say yet"], empty: true };
    }
    case "digits": {
      const count = text(step.count);
      const variable = text(step.variable);
      if (!count && !variable) return { lines: ["Set how many keys to wait for"], empty: true };
      const keys = count === "1" ? "1 key" : `${count || "?"} keys`;
      return { lines: [`Waits for ${keys}`, variable ? `saved as {{${cut(variable, 24)}}}` : ""], empty: false };
    }
    case "http": {
      const url = text(step.url);
      return url
        ? { lines: [`${text(step.method) || text(defaultOf("http", "method"))} ${cut(url, 44)}`], empty: false }
        : { lines: ["No web address yet"], empty: true };
    }
    case "connect":
      return number ? { lines: [`Transfers to ${cut(number, 24)}`], empty: false } : { lines: ["No number yet"], empty: true };
    default:
      return { lines: [`A “${cut(text(step.type) || "?", 20)}” step FlowStudio does not know`], empty: true };
  }
}
