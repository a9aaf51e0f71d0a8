// What the draft's Call step (its first step) dials, as editor/flowcore/dialling.py says it: the
// words and the {{contact.number}} pattern come from the generated registry. The test-call dialog uses
// it so that what is dialled is what the canvas shows.
import { setField } from "./doc";
import { DIALLING, PATTERNS } from "./registry";
import type { FlowDocument } from "./types";

export interface Dialling {
  /** contact: dials the number a launch gives; fixed: always this number; template: what it becomes. */
  kind: "contact" | "fixed" | "template" | "none";
  /** As written in the Call step ("" when there is none). */
  number: string;
}

export function dialling(doc: FlowDocument): Dialling {
  const first = doc.steps[0];
  const number = first?.type === "call" && typeof first.number === "string" ? first.number : "";
  if (!number.trim()) return { kind: "none", number: "" };
  if (PATTERNS.contactNumber.test(number)) return { kind: "contact", number };
  if (PATTERNS.phoneNumber.test(number)) return { kind: "fixed", number };
  return { kind: "template", number };
}

/** The draft with {{contact.number}} in its Call step, so that it dials the number a launch gives. */
export function dialContactNumber(doc: FlowDocument): FlowDocument {
  const first = doc.steps[0];
  return first?.type === "call" ? setField(doc, first.id, "number", DIALLING.contact_number) : doc;
}
