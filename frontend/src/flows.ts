// The flows list page: open and close the "New flow" and "Import" dialogs.
import "./flows.css";

// A form the server refused comes back in its dialog, marked data-open: show it again.
document.querySelectorAll<HTMLDialogElement>("dialog[data-open]").forEach((dialog) => {
  dialog.showModal();
  dialog.querySelector<HTMLElement>(".is-invalid")?.focus();
});

document.addEventListener("click", (event) => {
  const target = event.target as HTMLElement | null;
  const opener = target?.closest<HTMLElement>("[data-open-dialog]");
  if (opener) {
    const dialog = document.getElementById(opener.dataset.openDialog ?? "") as HTMLDialogElement | null;
    dialog?.showModal();
    dialog?.querySelector<HTMLElement>("[autofocus], input")?.focus();
    return;
  }
  const closer = target?.closest<HTMLElement>("[data-close-dialog]");
  if (closer) closer.closest("dialog")?.close();
  // A click on the backdrop (outside the form) closes the dialog too.
  if (target instanceof HTMLDialogElement) target.close();
});
