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

// The review page (/coding/<id>/): j/k move between suggestions and light up their
// evidence, a accepts, r rejects, e opens the edit fields. Buttons work without this.
function reviewKeys(root) {
  const items = Array.from(root.querySelectorAll("[data-suggestion]"));
  let current = Math.max(0, items.findIndex((item) => `#${item.id}` === window.location.hash));

  function show(index) {
    if (!items.length) return;
    current = Math.min(Math.max(index, 0), items.length - 1);
    const item = items[current];
    root.querySelectorAll(".current").forEach((node) => node.classList.remove("current"));
    item.classList.add("current");
    item.focus({ preventScroll: true });
    item.scrollIntoView({ block: "nearest" });
    const id = item.dataset.suggestion;
    root.querySelectorAll("mark.evidence").forEach((mark) => {
      if (mark.dataset.suggestions.split(" ").includes(id)) mark.classList.add("current");
    });
    const first = root.querySelector("mark.evidence.current");
    if (first) first.scrollIntoView({ block: "center" });
  }

  function press(key) {
    const button = items[current] && items[current].querySelector(`button[data-key="${key}"]`);
    if (button) button.click();
  }

  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest("input, textarea, select, [contenteditable]");
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    const actions = {
      j: () => show(current + 1),
      k: () => show(current - 1),
      a: () => press("a"),
      r: () => press("r"),
      e: () => {
        const details = items[current] && items[current].querySelector("details");
        if (!details) return;
        details.open = true;
        const field = details.querySelector("input, select");
        if (field) field.focus();
      },
    };
    if (actions[event.key]) {
      event.preventDefault();
      actions[event.key]();
    }
  });
  show(current);
}

const review = document.querySelector("[data-review]");
if (review) {
  reviewKeys(review);
}

// The sighting form (/sightings/new/): "Use my location" fills latitude, longitude and
// accuracy from the browser's geolocation. Without JavaScript, type them or send a photo
// with GPS.
function useLocation(button) {
  const status = document.getElementById("location-status");
  button.hidden = !("geolocation" in navigator);
  button.addEventListener("click", () => {
    status.textContent = "Finding you...";
    navigator.geolocation.getCurrentPosition(
      (position) => {
        document.getElementById("id_latitude").value = position.coords.latitude.toFixed(6);
        document.getElementById("id_longitude").value = position.coords.longitude.toFixed(6);
        document.getElementById("id_accuracy_m").value = Math.round(position.coords.accuracy);
        // Tell the map picker, which follows the fields.
        document.getElementById("id_longitude").dispatchEvent(new Event("change"));
        status.textContent = "Position filled in.";
      },
      (error) => {
        status.textContent = `No position: ${error.message}`;
      },
      { enableHighAccuracy: true, timeout: 15000 },
    );
  });
}

const locate = document.getElementById("use-location");
if (locate) {
  useLocation(locate);
}
