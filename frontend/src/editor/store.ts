// The draft being edited, with undo/redo. Drafts are immutable snapshots, so "unchanged
// since the last save" is an identity check and undoing back to it makes the page clean again.
import { useSyncExternalStore } from "react";
import type { Draft, FlowDocument } from "./types";

const HISTORY_LIMIT = 200;
// Keystrokes in one field within this long become a single undo step.
const COALESCE_MS = 1200;

export interface UpdateOptions {
  /** Edits with the same tag in quick succession are undone together (typing in a field). */
  tag?: string;
  /** false: not an undo step of its own (a node being dragged; the gesture records one). */
  history?: boolean;
}

type Listener = () => void;

export class DraftStore {
  private draft: Draft;
  private past: Draft[] = [];
  private future: Draft[] = [];
  private lastTag: string | null = null;
  private lastAt = 0;
  private gestureBase: Draft | null = null;
  private listeners = new Set<Listener>();

  constructor(draft: Draft) {
    this.draft = draft;
  }

  get = (): Draft => this.draft;
  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private emit(): void {
    this.listeners.forEach((l) => l());
  }

  private push(previous: Draft): void {
    this.past.push(previous);
    if (this.past.length > HISTORY_LIMIT) this.past.shift();
    this.future = [];
  }

  update(fn: (draft: Draft) => Draft, options: UpdateOptions = {}): void {
    const next = fn(this.draft);
    if (next === this.draft) return;
    const now = Date.now();
    if (options.history !== false && !this.gestureBase) {
      const coalesce = options.tag && options.tag === this.lastTag && now - this.lastAt < COALESCE_MS;
      if (!coalesce) this.push(this.draft);
      else this.future = [];
    }
    this.lastTag = options.tag ?? null;
    this.lastAt = now;
    this.draft = next;
    this.emit();
  }

  updateDoc(fn: (doc: FlowDocument) => FlowDocument, options?: UpdateOptions): void {
    this.update((d) => {
      const doc = fn(d.doc);
      return doc === d.doc ? d : { ...d, doc };
    }, options);
  }

  /** A drag or another gesture: everything until endGesture() is one undo step. */
  beginGesture(): void {
    if (!this.gestureBase) this.gestureBase = this.draft;
  }

  endGesture(): void {
    const base = this.gestureBase;
    this.gestureBase = null;
    this.lastTag = null;
    if (base && base !== this.draft) {
      this.push(base);
      this.emit();
    }
  }

  undo(): void {
    const previous = this.past.pop();
    if (!previous) return;
    this.future.push(this.draft);
    this.draft = previous;
    this.lastTag = null;
    this.emit();
  }

  redo(): void {
    const next = this.future.pop();
    if (!next) return;
    this.past.push(this.draft);
    this.draft = next;
    this.lastTag = null;
    this.emit();
  }

  canUndo(): boolean {
    return this.past.length > 0;
  }

  canRedo(): boolean {
    return this.future.length > 0;
  }

  /** Replace the draft, forgetting history (a reload from the server). */
  reset(draft: Draft): void {
    this.draft = draft;
    this.past = [];
    this.future = [];
    this.lastTag = null;
    this.gestureBase = null;
    this.emit();
  }
}

export function useDraft(store: DraftStore): Draft {
  return useSyncExternalStore(store.subscribe, store.get);
}
