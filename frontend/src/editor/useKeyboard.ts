// Keyboard shortcuts for the whole editor page (the list is in the "?" dialog).
import { useEffect, useRef } from "react";

interface Handlers {
  enabled: boolean;
  readOnly: boolean;
  save: () => void;
  undo: () => void;
  redo: () => void;
  copy: () => void;
  paste: () => void;
  duplicate: () => void;
  remove: () => void;
  selectAll: () => void;
  clear: () => void;
  help: () => void;
}

function typingIn(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
}

export function useKeyboard(handlers: Handlers): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const h = ref.current;
      if (!h.enabled) return;
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      const typing = typingIn(event.target);
      if (mod && key === "s") {
        event.preventDefault();
        h.save();
        return;
      }
      if (h.readOnly) {
        if (!typing && event.key === "?") h.help();
        return;
      }
      if (mod && (key === "z" || key === "y")) {
        event.preventDefault();
        if (key === "y" || event.shiftKey) h.redo();
        else h.undo();
        return;
      }
      if (typing) return;
      if (mod && key === "c") h.copy();
      else if (mod && key === "v") h.paste();
      else if (mod && key === "d") {
        event.preventDefault();
        h.duplicate();
      } else if (mod && key === "a") {
        event.preventDefault();
        h.selectAll();
      } else if (event.key === "Delete" || event.key === "Backspace") {
        event.preventDefault();
        h.remove();
      } else if (event.key === "Escape") h.clear();
      else if (event.key === "?") h.help();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}
