// The HTML report's stylesheet and script (plain strings, inlined into the page).
import { OUTCOMES } from '../compare/types.js';

export const PAGE_CSS = `
:root { --agree:#2e7d32; --declared:#00838f; --model-differs:#c62828; --model-error:#b71c1c; --expectation-differs:#ad1457;
  --unsupported:#ef6c00; --loader-error:#6a1b9a; --crash:#000; --timeout:#4e342e; }
* { box-sizing: border-box; }
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #222; background: #fafafa; }
header { padding: 12px 20px; background: #263238; color: #eceff1; position: sticky; top: 0; z-index: 2; }
h1 { font-size: 18px; margin: 0 0 4px; }
#summary { margin: 0 0 8px; }
#filters label { display: inline-block; margin: 0 10px 4px 0; padding: 2px 8px; border-radius: 10px; cursor: pointer; color: #fff; }
#filters input { margin-right: 4px; }
#search { width: 360px; padding: 4px 6px; }
main { padding: 12px 20px; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { border-bottom: 1px solid #e0e0e0; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #eceff1; position: sticky; top: 118px; }
tbody tr { cursor: pointer; }
tbody tr:hover { background: #f1f8e9; }
tbody tr.selected { background: #fff8e1; }
.obj { color: #607d8b; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 12px; white-space: nowrap; }
.why { color: #555; font-size: 12px; }
${OUTCOMES
    .map((o) => `.o-${o} { background: var(--${o}); }`).join('\n')}
#details { margin-top: 16px; background: #fff; border: 1px solid #cfd8dc; padding: 12px; }
#details h2 { font-size: 16px; margin: 0 0 8px; }
#details dl { display: grid; grid-template-columns: 140px 1fr; gap: 2px 12px; margin: 0 0 12px; }
#details dt { color: #607d8b; }
#details dd { margin: 0; font-family: ui-monospace, monospace; white-space: pre-wrap; }
.panes { display: grid; grid-template-columns: 1fr 1fr 1fr; gap: 8px; }
.pane { min-width: 0; }
.pane h3 { font-size: 13px; margin: 0 0 4px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.pane pre { margin: 0; height: 480px; overflow: auto; background: #263238; color: #eceff1; padding: 6px; font-size: 12px; }
.pane pre .hl { background: #6d4c41; display: inline-block; width: 100%; }
`;

// Runs in the browser. Builds the matrix from the embedded JSON; rows = programs, columns = kernels.
export const PAGE_SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('data').textContent);
  var kernels = data.kernels.map(function (k) { return k.spec; });
  var shown = {};
  data.outcomes.forEach(function (o) { shown[o] = true; });
  var rows = {}, order = [];
  data.records.forEach(function (r, i) {
    var key = r.object + '\\u0000' + (r.program === null ? '' : r.program);
    if (!rows[key]) { rows[key] = { object: r.object, program: r.program, cells: {} }; order.push(key); }
    rows[key].cells[r.kernel_spec] = i;
  });
  var green = { agree: 1, declared: 1 };
  function worst(row) {
    return Object.keys(row.cells).some(function (k) { return !green[data.records[row.cells[k]].outcome]; }) ? 0 : 1;
  }
  order.sort(function (a, b) { return worst(rows[a]) - worst(rows[b]) || (a < b ? -1 : a > b ? 1 : 0); });

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  var counts = data.outcomes.filter(function (o) { return data.counts[o]; })
    .map(function (o) { return data.counts[o] + ' ' + o; }).join(', ');
  document.getElementById('summary').textContent = data.records.length + ' results on ' +
    data.kernels.map(function (k) { return k.spec + (k.release ? ' (' + k.release + ')' : '') + (k.libbpf ? ', ' + k.libbpf : '') + (k.toolsNote ? ' [' + k.toolsNote + ']' : '') + (k.profile ? ' [model: Linux ' + k.profile + (k.profileNote ? '; ' + k.profileNote : '') + ']' : '') + (k.error ? ' [not run: ' + k.error.split('\\n')[0] + ']' : ''); }).join(', ') +
    ' in ' + (data.durationMs / 1000).toFixed(1) + ' s: ' + (counts || 'nothing') + (data.exitCode === 0 ? '. Everything agrees or is declared.' : '.');

  var filters = document.getElementById('filters');
  data.outcomes.forEach(function (o) {
    var label = el('label', { class: 'o-' + o });
    var box = el('input', { type: 'checkbox', 'data-outcome': o });
    box.checked = true;
    box.addEventListener('change', function () { shown[o] = box.checked; render(); });
    label.appendChild(box);
    label.appendChild(document.createTextNode(o + ' (' + (data.counts[o] || 0) + ')'));
    filters.appendChild(label);
  });
  var search = document.getElementById('search');
  search.addEventListener('input', render);

  var thead = document.querySelector('#matrix thead');
  var hr = el('tr');
  hr.appendChild(el('th', {}, 'program'));
  kernels.forEach(function (k) { hr.appendChild(el('th', {}, k)); });
  hr.appendChild(el('th', {}, 'why'));
  thead.appendChild(hr);

  function matches(row, q) {
    if (!q) return true;
    return Object.keys(row.cells).some(function (k) {
      return JSON.stringify(data.records[row.cells[k]]).toLowerCase().indexOf(q) >= 0;
    });
  }
  function render() {
    var tbody = document.querySelector('#matrix tbody');
    tbody.textContent = '';
    var q = search.value.trim().toLowerCase();
    order.forEach(function (key) {
      var row = rows[key];
      var visible = Object.keys(row.cells).some(function (k) { return shown[data.records[row.cells[k]].outcome]; });
      if (!visible || !matches(row, q)) return;
      var tr = el('tr', { 'data-key': key });
      var name = el('td');
      name.appendChild(el('span', { class: 'obj' }, row.object + (row.program === null ? '' : ':')));
      if (row.program !== null) name.appendChild(el('b', {}, row.program));
      tr.appendChild(name);
      var why = '';
      kernels.forEach(function (k) {
        var td = el('td');
        var i = row.cells[k];
        if (i !== undefined) {
          var r = data.records[i];
          td.appendChild(el('span', { class: 'badge o-' + r.outcome, 'data-outcome': r.outcome }, r.outcome));
          td.addEventListener('click', function (ev) { ev.stopPropagation(); select(tr, i); });
          if (!green[r.outcome] && !why) why = r.reasons[0] || '';
        }
        tr.appendChild(td);
      });
      tr.appendChild(el('td', { class: 'why' }, why.split('\\n')[0]));
      tr.addEventListener('click', function () { select(tr, row.cells[kernels.filter(function (k) { return row.cells[k] !== undefined; })[0]]); });
      tbody.appendChild(tr);
    });
  }

  function pane(title, text, highlight) {
    var d = el('div', { class: 'pane' });
    d.appendChild(el('h3', {}, title));
    var pre = el('pre');
    (text || '(none)').split('\\n').forEach(function (line, i) {
      var span = el('span', highlight && highlight.indexOf(i + 1) >= 0 ? { class: 'hl' } : {}, line + '\\n');
      pre.appendChild(span);
    });
    d.appendChild(pre);
    return d;
  }
  function side(s) {
    return [s.verdict, s.rule, s.insn === null ? null : 'insn ' + s.insn, s.message].filter(function (x) { return x !== null && x !== undefined && x !== ''; }).join('  |  ');
  }
  function select(tr, i) {
    Array.prototype.forEach.call(document.querySelectorAll('tr.selected'), function (x) { x.classList.remove('selected'); });
    tr.classList.add('selected');
    var r = data.records[i];
    var d = document.getElementById('details');
    d.hidden = false;
    d.textContent = '';
    var h = el('h2');
    h.appendChild(el('span', { class: 'badge o-' + r.outcome }, r.outcome));
    h.appendChild(document.createTextNode(' ' + r.object + (r.program === null ? '' : ':' + r.program) + ' on ' + r.kernel_spec));
    d.appendChild(h);
    var dl = el('dl');
    function row(k, v) { if (v === null || v === undefined || v === '') return; dl.appendChild(el('dt', {}, k)); dl.appendChild(el('dd', {}, v)); }
    row('description', r.description);
    row('why', r.reasons.join('\\n'));
    row('declared', (r.expected || 'no verdict declared') + (r.expected_for ? ' (for kernels ' + r.expected_for + ')' : '') + (r.declared_difference ? '; model differs: ' + r.declared_difference : ''));
    row('kernel', side(r.kernel));
    r.reportTexts.forEach(function (x) { row('kernel report', x); });
    row('loaded by', r.kernel.libbpf);
    row('model', side(r.model));
    r.insns.forEach(function (x) { row('insn (' + x.who + ')', x.text + (x.line ? '\\n' + x.line : '')); });
    if (r.messages) row('messages', r.messages.map(function (m) { return m.status.toUpperCase() + (m.negative ? ' NOT ' : ' ') + (m.regex ? 'REGEX' : 'SUBSTR') + ": '" + m.pattern + "'" + (m.line ? ' (log line ' + m.line + ')' : ''); }).join('\\n'));
    row('model state', r.model.state_at);
    row('model stack', r.model.stack);
    d.appendChild(dl);
    var panes = el('div', { class: 'panes' });
    panes.appendChild(pane('source' + (r.source ? ': ' + r.source : ''), r.source ? data.sources[r.source] : null, r.sourceLines));
    panes.appendChild(pane('kernel log', r.kernel.log || r.kernel.console_tail || r.kernel.message));
    panes.appendChild(pane('model trace', r.trace ? r.trace.join('\\n') : (r.model.message || '(no trace recorded)')));
    d.appendChild(panes);
    var sel = d.querySelector('.pane pre .hl');
    if (sel) sel.parentNode.scrollTop = Math.max(0, sel.offsetTop - sel.parentNode.offsetTop - 120);
  }
  render();
  // Open the first difference, so the page answers "what is wrong" without a click.
  var first = document.querySelector('#matrix tbody tr');
  if (first && data.exitCode !== 0) first.click();
})();
`;
