// Progressive enhancement only: every page works without JavaScript.

// Filter forms submit themselves when a select or checkbox changes.
function autosubmit(form) {
  form.addEventListener("change", (event) => {
    if (event.target.matches("select, input[type=checkbox]")) {
      form.requestSubmit();
    }
  });
}

// "/" jumps to the search box, as on many data sites; not while typing in a field.
function searchShortcut(input) {
  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest("input, textarea, select, [contenteditable]");
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      input.focus();
    }
  });
}

document.querySelectorAll("form[data-autosubmit]").forEach(autosubmit);
const search = document.getElementById("site-search");
if (search) {
  searchShortcut(search);
}
