// The block registry, read from the file generated from editor/flowcore/blocks.py
// (editor/flowcore/registry_json.py; `make frontend` regenerates it). Never add block data here:
// change blocks.py and regenerate, so the validator and the canvas cannot disagree.
import generated from "../generated/registry.json";

/** The input the inspector draws for a field. */
export type FieldInput = "text" | "textarea" | "phone" | "url" | "count" | "variable" | "method";

export interface FieldSpec {
  name: string;
  /** The field's heading in the inspector ("Number to call"). */
  title: string;
  /** The noun the validator's messages use for it ("number"). */
  label: string;
  help: string;
  placeholder: string;
  input: FieldInput;
  required: boolean;
  /** Offer the {{variable}} picker on this field. */
  variables: boolean;
}

export interface NextStepSpec {
  /** The branch keys in drawing order; empty for a single next step. */
  keys: string[];
  required: boolean;
  /** The outputs every step of this type shows ("next" for a single next step). */
  drawn: string[];
  /** Another output appears for each further key a step uses (digits). */
  adds_keys: boolean;
  titles: Partial<Record<string, string>>;
  /** The title of an output without one in `titles`; "{key}" is replaced by the key. */
  key_title: string;
  /** The words written on an output and its connection ("any other key", "if it works"). */
  labels: Partial<Record<string, string>>;
  /** The words of an output without one in `labels`; "{key}" is replaced by the key. */
  key_label: string;
}

export interface BlockSpec {
  type: string;
  title: string;
  blurb: string;
  icon: string;
  fields: FieldSpec[];
  one_of: string[][];
  defaults: Record<string, unknown>;
  /** The fields a step added from the palette starts with. */
  new_step: Record<string, unknown>;
  sets_variable: string | null;
  next_step: NextStepSpec;
}

interface Registry {
  blocks: BlockSpec[];
  http_methods: string[];
  reserved_variable: string;
  /** What a Call step dials, in the words every screen uses (editor/flowcore/dialling.py). */
  dialling: { contact_number: string; calls_contact: string };
  patterns: Record<
    "phone_number" | "phone_template" | "variable_name" | "contact_field" | "contact_number" | "placeholder" | "url",
    string
  >;
}

// The generated file is checked against these types (a change of its shape fails `npm run
// typecheck`); only `input`, which JSON widens to any string, is narrowed without a check.
type AsGenerated = Omit<Registry, "blocks"> & {
  blocks: (Omit<BlockSpec, "fields"> & { fields: (Omit<FieldSpec, "input"> & { input: string })[] })[];
};
const checked: AsGenerated = generated;
const REGISTRY = checked as Registry;

export const BLOCKS: readonly BlockSpec[] = REGISTRY.blocks;
export const BLOCK_BY_TYPE: Readonly<Record<string, BlockSpec>> = Object.fromEntries(BLOCKS.map((b) => [b.type, b]));
export const HTTP_METHODS: readonly string[] = REGISTRY.http_methods;
export const RESERVED_VARIABLE = REGISTRY.reserved_variable;
export const DIALLING = REGISTRY.dialling;

/** Whole-value patterns (anchored), the same rules the validator applies. */
export const PATTERNS = {
  phoneNumber: new RegExp(REGISTRY.patterns.phone_number),
  phoneTemplate: new RegExp(REGISTRY.patterns.phone_template),
  variableName: new RegExp(REGISTRY.patterns.variable_name),
  contactField: new RegExp(REGISTRY.patterns.contact_field),
  contactNumber: new RegExp(REGISTRY.patterns.contact_number),
  url: new RegExp(REGISTRY.patterns.url, "i"),
} as const;

/** The value an optional field has when a step leaves it out ("GET" for an http method). */
export function defaultOf(type: string, field: string): unknown {
  return BLOCK_BY_TYPE[type]?.defaults[field];
}
