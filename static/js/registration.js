/* Registration form: show the student fields or the organisation field for the chosen identity.
   Without JavaScript both groups stay visible and the server ignores the unused one. */
(function () {
  "use strict";
  var radios = document.querySelectorAll('input[name="identity"]');
  var internal = document.querySelector(".identity-internal");
  var external = document.querySelector(".identity-external");
  if (!radios.length || !internal || !external) { return; }
  function update() {
    var checked = document.querySelector('input[name="identity"]:checked');
    var isInternal = !checked || checked.value === "internal";
    internal.hidden = !isInternal;
    external.hidden = isInternal;
  }
  radios.forEach(function (r) { r.addEventListener("change", update); });
  update();
})();
