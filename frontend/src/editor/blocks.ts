// The five Samespace blocks: what the palette, the nodes and the inspector know about each.
import type { LayoutEntry, Output, Step } from "./types";

export type FieldKind = "text" | "textarea" | "phone" | "url" | "count" | "variable" | "method";

export interface FieldSpec {
  name: string;
  label: string;
  help: string;
  kind: FieldKind;
  placeholder?: string;
  /** Offer the {{variable}} picker on this field. */
  variables?: boolean;
}

export type OutputKind = "next" | "digits" | "http";

export interface BlockSpec {
  type: string;
  title: string;
  blurb: string;
  icon: string;
  outputs: OutputKind;
  fields: FieldSpec[];
}

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
export const DIGIT_KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"];

const numberField: FieldSpec = {
  name: "number",
  label: "Number to call",
  help: "Digits with an optional + in front, or {{contact.number}} to call each contact.",
  kind: "phone",
  placeholder: "{{contact.number}}",
  variables: true,
};
const callerIdField: FieldSpec = {
  name: "caller_id",
  label: "Caller ID",
  help: "The number the person sees on their phone.",
  kind: "phone",
  placeholder: "+14155550100",
  variables: true,
};

export const BLOCKS: BlockSpec[] = [
  {
    type: "call",
    title: "Call",
    blurb: "Dial a number. Every flow starts with one.",
    icon: "☎",
    outputs: "next",
    fields: [numberField, callerIdField],
  },
  {
    type: "play",
    title: "Play message",
    blurb: "Say a text aloud, or play an audio file.",
    icon: "♪",
    outputs: "next",
    fields: [
      {
        name: "text",
        label: "What to say",
        help: "Read aloud to the person. You can use variables such as {{contact.name}}.",
        kind: "textarea",
        placeholder: "Hi, this is a reminder about your appointment tomorrow.",
        variables: true,
      },
      {
        name: "url",
        label: "…or an audio file",
        help: "The web address of a recording (https://…). Leave empty to use the text above.",
        kind: "url",
        placeholder: "https://example.com/greeting.mp3",
        variables: true,
      },
    ],
  },
  {
    type: "digits",
    title: "Collect keypresses",
    blurb: "Wait for keys on the phone's keypad.",
    icon: "#",
    outputs: "digits",
    fields: [
      {
        name: "count",
        label: "How many keys",
        help: "The call moves on once this many keys are pressed.",
        kind: "count",
        placeholder: "1",
      },
      {
        name: "variable",
        label: "Save the keys as",
        help: "A name such as account_id (letters, digits, _). Later steps can use {{account_id}}.",
        kind: "variable",
        placeholder: "choice",
      },
    ],
  },
  {
    type: "http",
    title: "Web request",
    blurb: "Call your system, then branch on success or failure.",
    icon: "⇄",
    outputs: "http",
    fields: [
      {
        name: "url",
        label: "Web address",
        help: "Starts with https://. Variables are filled in during the call.",
        kind: "url",
        placeholder: "https://example.com/api/orders/{{account_id}}",
        variables: true,
      },
      {
        name: "method",
        label: "Method",
        help: "GET reads data; POST sends it. Ask whoever built the address if unsure.",
        kind: "method",
      },
    ],
  },
  {
    type: "connect",
    title: "Connect",
    blurb: "Transfer the person to another number.",
    icon: "↪",
    outputs: "next",
    fields: [
      { ...numberField, label: "Transfer to", help: "The number or extension to connect the call to.", placeholder: "+14155550123" },
      callerIdField,
    ],
  },
];

export const BLOCK_BY_TYPE: Record<string, BlockSpec> = Object.fromEntries(BLOCKS.map((b) => [b.type, b]));

export function blockFor(step: Step): BlockSpec | undefined {
  return BLOCK_BY_TYPE[step.type];
}

const BRANCH_TITLES: Record<string, string> = {
  next: "Next step",
  success: "When the request succeeds",
  fail: "When the request fails",
  "*": "Any other key (or no key)",
};

function branchTitle(key: string): string {
  return BRANCH_TITLES[key] ?? `When they press ${key}`;
}

function keyOrder(a: string, b: string): number {
  if (a === "*") return -1;
  if (b === "*") return 1;
  return DIGIT_KEYS.indexOf(a) - DIGIT_KEYS.indexOf(b) || a.localeCompare(b);
}

/** The outputs (handles) of a step, in the order they are drawn and laid out. */
export function outputsOf(step: Step, layout?: LayoutEntry): Output[] {
  const spec = blockFor(step);
  const next = step.next_step;
  const kind: OutputKind =
    spec?.outputs ?? (next && typeof next === "object" && !Array.isArray(next) ? "digits" : "next");
  if (kind === "next") return [{ key: "next", label: "next", title: branchTitle("next") }];
  if (kind === "http") {
    return ["success", "fail"].map((key) => ({ key, label: key, title: branchTitle(key) }));
  }
  const keys = new Set<string>(["*"]);
  if (next && typeof next === "object" && !Array.isArray(next)) Object.keys(next).forEach((k) => keys.add(k));
  (layout?.keys ?? []).forEach((k) => keys.add(k));
  return [...keys].sort(keyOrder).map((key) => ({ key, label: key, title: branchTitle(key) }));
}

export function isBranching(step: Step): boolean {
  const spec = blockFor(step);
  if (spec) return spec.outputs !== "next";
  return !!step.next_step && typeof step.next_step === "object";
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
    case "call":
      return number
        ? { lines: [`Calls ${cut(number, 28)}`, text(step.caller_id) ? `from ${cut(text(step.caller_id), 24)}` : ""], empty: false }
        : { lines: ["No number yet"], empty: true };
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
        ? { lines: [`${text(step.method) || "GET"} ${cut(url, 44)}`], empty: false }
        : { lines: ["No web address yet"], empty: true };
    }
    case "connect":
      return number ? { lines: [`Transfers to ${cut(number, 24)}`], empty: false } : { lines: ["No number yet"], empty: true };
    default:
      return { lines: [`A “${cut(text(step.type) || "?", 20)}” step FlowStudio does not know`], empty: true };
  }
}
