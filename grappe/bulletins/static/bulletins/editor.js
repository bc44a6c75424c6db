// The bulletin form's rich-text editors (django-prose-editor: ProseMirror through Tiptap), under our
// Content-Security-Policy: no import map (an inline script) — the editor's module is imported by its address,
// given on this script's tag — and no injected <style> (injectCSS: false; bulletins/editor.css has its rules).
// Each textarea carries the extensions the form allows (data-django-prose-editor-configurable, written by the
// widget from forms/bulletins.py), the same formatting html.py keeps. Without JavaScript the textareas stay.
//
// The "Upload an image" control sends a file to the image-upload endpoint and places the image in the editor
// last written in, where its cursor was.
(function () {
  var script = document.currentScript;
  var ATTRIBUTE = "data-django-prose-editor-configurable";

  function emptied(html) {
    return /^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : html;
  }

  function extensionsOf(prose, textarea) {
    var config = JSON.parse(textarea.getAttribute(ATTRIBUTE) || "{}");
    var found = [];
    Object.keys(config.extensions || {}).forEach(function (name) {
      var extension = prose[name];
      var options = config.extensions[name];
      if (extension) found.push(typeof options === "object" ? extension.configure(options) : extension);
    });
    return found;
  }

  function createEditor(prose, textarea) {
    var element = document.createElement("div");
    element.className = "prose-editor";
    textarea.before(element);
    element.append(textarea);
    var label = document.querySelector('label[for="' + textarea.id + '"]');
    return new prose.Editor({
      // The editable area is what people type in: it carries the field's label for screen readers.
      editorProps: { attributes: { "aria-label": label ? label.textContent.trim() : "" } },
      element: element,
      extensions: extensionsOf(prose, textarea),
      content: textarea.value,
      injectCSS: false,
      onUpdate: function (change) {
        textarea.value = emptied(change.editor.getHTML());
        textarea.dispatchEvent(new Event("input", { bubbles: true }));
      },
    });
  }

  function enableUpload(box, lastUsed) {
    var input = box.querySelector("input[type=file]");
    var status = box.querySelector("[data-upload-status]");
    box.hidden = false;
    input.addEventListener("change", function () {
      var file = input.files[0];
      if (!file) return;
      var data = new FormData();
      data.append("file", file);
      status.textContent = status.dataset.uploading;
      fetch(box.dataset.uploadUrl, {
        method: "POST", body: data, credentials: "same-origin", headers: { "X-CSRFToken": box.dataset.csrf },
      }).then(function (response) {
        return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; });
      }).then(function (result) {
        if (!result.ok) { status.textContent = result.answer.error; return; }
        lastUsed().chain().focus().setImage({ src: result.answer.url, alt: "" }).run();
        status.textContent = status.dataset.done;
        input.value = "";
      }).catch(function () { status.textContent = ""; });
    });
  }

  function start() {
    var textareas = document.querySelectorAll("textarea[" + ATTRIBUTE + "]");
    if (!textareas.length) return;
    import(script.dataset.editorModule).then(function (prose) {
      var editors = [];
      var last = null;
      textareas.forEach(function (textarea) {
        var editor = createEditor(prose, textarea);
        editor.on("focus", function () { last = editor; });
        editors.push(editor);
      });
      var box = document.querySelector(".bulletin-image-upload");
      if (box) enableUpload(box, function () { return last || editors[0]; });
      document.documentElement.dataset.bulletinEditors = "ready";
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
