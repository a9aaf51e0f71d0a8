// Shared page behaviour for every server-rendered page (styles + small enhancements).
import "./site.css";

// Confirm destructive actions: <form data-confirm="Delete this flow?">.
document.addEventListener("submit", (event) => {
  const form = event.target as HTMLFormElement | null;
  const message = form?.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
