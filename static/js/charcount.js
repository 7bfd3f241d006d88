/* Live character count for textareas with data-max-chars (材料报送).
   Counts every character except spaces and line breaks, like the server
   (visitorapp/submissions/services.py: character_count). */
(function () {
  "use strict";
  function count(text) {
    return Array.from(text.replace(/\s+/g, "")).length;
  }
  document.querySelectorAll("textarea[data-max-chars]").forEach(function (area) {
    var max = parseInt(area.getAttribute("data-max-chars"), 10);
    var out = document.getElementById(area.getAttribute("data-counter"));
    if (!out) { return; }
    function update() {
      var n = count(area.value);
      out.textContent = "已输入 " + n + " / " + max + " 字" + (n > max ? "，超出 " + (n - max) + " 字" : "");
      out.classList.toggle("over", n > max);
      area.setAttribute("aria-invalid", n > max ? "true" : "false");
    }
    area.addEventListener("input", update);
    update();
  });
})();
