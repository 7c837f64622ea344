/* global URLSearchParams, setInterval, clearInterval */
// The closures import page's one script: sends the chosen file as the request body (the API takes
// the file itself, not a form), shows the import's progress while it runs, then its counts.
(function () {
  'use strict';
  var form = document.getElementById('import-form');
  var out = document.getElementById('import-progress');
  if (!form || !out) return;
  var ar = form.getAttribute('data-lang') !== 'en';
  var T = ar
    ? {
        sending: 'جارٍ الاستيراد…',
        rows: 'الأسطر',
        accepted: 'مقبولة',
        already: 'مستوردة من قبل',
        refused: 'مرفوضة',
        line: 'السطر',
        failed: 'رُفض الملف',
        result: 'تنزيل النتيجة',
      }
    : {
        sending: 'Importing…',
        rows: 'Rows',
        accepted: 'Accepted',
        already: 'Already imported',
        refused: 'Refused',
        line: 'Line',
        failed: 'The file was refused',
        result: 'Download the result',
      };

  function show(text) {
    out.textContent = text;
  }
  function counts(c) {
    return (
      T.rows +
      ': ' +
      c.rows +
      ' · ' +
      T.accepted +
      ': ' +
      c.accepted +
      ' · ' +
      T.already +
      ': ' +
      c.alreadyImported +
      ' · ' +
      T.refused +
      ': ' +
      c.refused
    );
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var file = form.elements.namedItem('file').files[0];
    if (!file) return;
    var agencyInput = form.elements.namedItem('agency');
    var q = new URLSearchParams();
    if (agencyInput && agencyInput.value.trim()) q.set('agency', agencyInput.value.trim());
    if (form.elements.namedItem('dryRun').checked) q.set('dryRun', '1');
    var type = /\.xlsx$/i.test(file.name)
      ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
      : 'text/csv';
    var started = new Date().toISOString();
    show(T.sending);
    var done = false;
    // While the upload runs, its record's counts are read every second.
    var poll = setInterval(function () {
      fetch('/api/imports?since=' + encodeURIComponent(started), { credentials: 'same-origin' })
        .then(function (r) {
          return r.ok ? r.json() : null;
        })
        .then(function (j) {
          if (done || !j || !j.imports || !j.imports[0]) return;
          show(T.sending + ' ' + counts(j.imports[0]));
        })
        .catch(function () {});
    }, 1000);
    fetch('/api/imports/closures?' + q.toString(), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': type, 'x-csrf-token': form.getAttribute('data-csrf') },
      body: file,
    })
      .then(function (r) {
        return r.json().then(function (j) {
          return { ok: r.ok, j: j };
        });
      })
      .then(function (a) {
        done = true;
        clearInterval(poll);
        out.textContent = '';
        if (!a.ok) {
          show(T.failed + ': ' + (a.j.message || a.j.error || ''));
          return;
        }
        var p = document.createElement('p');
        p.textContent = counts(a.j);
        out.appendChild(p);
        if (a.j.refusedRows && a.j.refusedRows.length) {
          var ul = document.createElement('ul');
          a.j.refusedRows.slice(0, 50).forEach(function (r) {
            var li = document.createElement('li');
            li.textContent =
              T.line + ' ' + r.line + (r.column ? ' (' + r.column + ')' : '') + ': ' + r.reason;
            ul.appendChild(li);
          });
          out.appendChild(ul);
        }
        if (a.j.resultUrl) {
          var link = document.createElement('a');
          link.href = a.j.resultUrl;
          link.setAttribute('download', '');
          link.textContent = T.result;
          out.appendChild(link);
        }
      })
      .catch(function (e) {
        done = true;
        clearInterval(poll);
        show(T.failed + ': ' + e.message);
      });
  });
})();
