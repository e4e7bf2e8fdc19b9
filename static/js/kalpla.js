// Progressive enhancement only: every page works without this file.
document.addEventListener("submit", (event) => {
  // A form asks before it is sent, or the button that sends it does (one form, many actions).
  const asker = event.submitter?.closest("[data-confirm]") || event.target.closest("form[data-confirm]");
  if (asker && !window.confirm(asker.dataset.confirm)) {
    event.preventDefault();
  }
});
document.addEventListener("click", (event) => {
  const menu = document.querySelector("details.menu[open]");
  if (menu && !menu.contains(event.target)) menu.removeAttribute("open");
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    const menu = document.querySelector("details.menu[open]");
    if (menu) { menu.removeAttribute("open"); menu.querySelector("summary").focus(); }
  }
});
// Settings tabs scroll sideways on phones: bring the current one into view.
document.addEventListener("DOMContentLoaded", () => {
  const nav = document.querySelector(".subnav");
  const current = nav && nav.querySelector("[aria-current='page']");
  if (nav && current && nav.scrollWidth > nav.clientWidth) {
    nav.scrollLeft = current.offsetLeft - (nav.clientWidth - current.offsetWidth) / 2;
  }
});
