// The notice form shows only the fields its scope needs: a slot, or a venue and a day, or a day.
(function () {
  "use strict";
  var form = document.querySelector("form[data-notice-form]");
  if (!form) return;
  var needs = { slot: ["slot_id"], venue_day: ["venue_id", "day"], day: ["day"] };
  function sync() {
    var checked = form.querySelector("input[name=scope]:checked");
    var wanted = needs[checked ? checked.value : "day"] || [];
    ["slot_id", "venue_id", "day"].forEach(function (name) {
      var input = form.querySelector("[name=" + name + "]");
      var box = input && input.closest(".field");
      if (box) box.hidden = wanted.indexOf(name) < 0;
    });
  }
  form.querySelectorAll("input[name=scope]").forEach(function (r) { r.addEventListener("change", sync); });
  sync();
})();
