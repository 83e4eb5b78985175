// The periodic-task form (django-celery-beat): say in words what the chosen crontab means.
// The crontabs' translations and the field's help come from json_script blocks on the page.
(function ($) {
  "use strict";
  const readableCrontabs = JSON.parse(document.getElementById("readable-crontabs").textContent);
  const originalHelp = JSON.parse(document.getElementById("crontab-help").textContent);

  function showTranslation() {
    const help = $(".field-crontab .help");
    const translation = readableCrontabs[$("#id_crontab").val()];
    help.text(originalHelp);
    if (translation) {
      help.append($("<br>"), document.createTextNode("Translation: " + translation));
    }
  }

  $(function () {
    $(".field-crontab_translation").hide();
    $(".field-crontab").on("change", showTranslation);
  });
})(django.jQuery);
