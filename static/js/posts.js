// Posts: reactions toggle in place and destructive forms ask first. Without this script
// every form still works (the page reloads).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if (!form.hasAttribute("data-react") || !window.fetch) return;
    event.preventDefault();
    var box = form.closest("[data-reactions]");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "HX-Request": "true" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("[data-reactions]");
        if (box && fresh) box.replaceWith(fresh);
      })
      .catch(function () {
        form.submit();
      });
  });
})();
