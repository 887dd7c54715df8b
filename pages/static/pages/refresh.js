// Reloads a page that shows work in progress (plan runs, print jobs) every few seconds, unless
// the user has begun to fill in one of its forms: a reload would throw their choices away.
// Then it stops and says so; the next visit refreshes again.
(function () {
  "use strict";
  var holder = document.querySelector("[data-refresh-seconds]");
  if (!holder) { return; }
  var seconds = Number(holder.getAttribute("data-refresh-seconds")) || 5;
  var touched = false;
  function touch() { touched = true; }
  document.querySelectorAll("main form").forEach(function (form) {
    form.addEventListener("input", touch);
    form.addEventListener("change", touch);
  });
  document.querySelectorAll("main details").forEach(function (box) {
    box.addEventListener("toggle", touch);
  });
  window.setTimeout(function () {
    if (!touched) { window.location.reload(); return; }
    var note = document.getElementById("refresh-paused");
    if (note) { note.hidden = false; }
  }, seconds * 1000);
})();
