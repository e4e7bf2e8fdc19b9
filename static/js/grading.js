// Grading page keys: j next answer, k previous, Ctrl+Enter (or Cmd+Enter) saves the mark.
(function () {
  "use strict";
  const root = document.querySelector("[data-grading]");
  if (!root) return;
  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest("input, textarea, select");
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      const form = root.querySelector("form[method=post]");
      if (form) { event.preventDefault(); form.requestSubmit(); }
      return;
    }
    if (typing || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === "j" && root.dataset.next) window.location.assign(root.dataset.next);
    if (event.key === "k" && root.dataset.previous) window.location.assign(root.dataset.previous);
  });
  root.dataset.keysReady = "";  // the keys work from now on (a deferred script runs late)
})();
