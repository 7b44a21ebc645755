// The status page: HTML, CSS and JS in one raw string, served as is. Its data comes from
// GET /status.json (no token: read-only), polled every 1.5 s; every value from the
// config or a probe is put in with textContent, never parsed as HTML.
#include "sentinel/api/status_page.h"

namespace sentinel::api {

namespace {
constexpr std::string_view kPage = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>sentinel</title>
<style>
:root { --bg:#111418; --panel:#1b2027; --fg:#e8ecf1; --dim:#9aa5b1; --line:#2c333d;
        --ok:#3ddc84; --bad:#ff5c5c; --warn:#ffb347; --info:#6cb6ff; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--fg); font:15px/1.45 system-ui, sans-serif; }
header { display:flex; flex-wrap:wrap; gap:0 1.5em; align-items:baseline; padding:.8em 1.2em;
         border-bottom:1px solid var(--line); }
header h1 { font-size:1.15em; margin:0; }
#refresh { margin-left:auto; color:var(--dim); font-size:.9em; }
#refresh[data-ok="false"] { color:var(--bad); font-weight:bold; }
main { padding:0 1.2em 2em; }
.banner { margin:1em 0 0; padding:.7em 1em; border-radius:6px; font-weight:bold; }
.banner.bad { background:#5c1515; border:2px solid var(--bad); }
.banner.warn { background:#4d3510; border:2px solid var(--warn); }
.banner[hidden] { display:none; }
.grid { display:grid; grid-template-columns:repeat(auto-fit, minmax(12em, 1fr)); gap:.8em; margin-top:1em; }
.card { background:var(--panel); border:1px solid var(--line); border-radius:6px; padding:.6em .8em; }
.card .k { color:var(--dim); font-size:.8em; text-transform:uppercase; letter-spacing:.05em; }
.card .v { font-size:1.1em; word-break:break-word; }
#master { font-size:1.9em; font-weight:bold; color:var(--ok); }
#master[data-health="down"] { color:var(--bad); }
.card.wide { grid-column:1 / -1; }
h2 { font-size:1em; margin:1.6em 0 .5em; color:var(--dim); text-transform:uppercase; letter-spacing:.05em; }
table { width:100%; border-collapse:collapse; background:var(--panel); border:1px solid var(--line); }
th, td { text-align:left; vertical-align:top; padding:.4em .6em; border-bottom:1px solid var(--line); }
td.nowrap { white-space:nowrap; }
th { color:var(--dim); font-weight:normal; font-size:.85em; }
td.mono, .mono { font-family:ui-monospace, monospace; font-size:.9em; }
.role-master { color:var(--ok); font-weight:bold; }
.role-master-down, .h-down, .svc-out { color:var(--bad); font-weight:bold; }
.role-drained, .role-damped, .role-stepping-down, .svc-drained, .svc-damped { color:var(--warn); font-weight:bold; }
.h-up, .svc-in { color:var(--ok); }
.h-unknown { color:var(--dim); }
.check { margin:.1em 0; }
.check .detail { color:var(--dim); }
.ev-bad { color:var(--bad); }
.ev-good { color:var(--ok); }
.dim { color:var(--dim); }
</style>
</head>
<body>
<header>
  <h1>sentinel <span id="sentinel-id">…</span></h1>
  <span>zone <b id="zone">…</b></span>
  <span id="refresh" data-ok="unknown" data-refreshes="0">loading…</span>
</header>
<main>
<noscript><p class="banner bad">This page needs JavaScript; <code>sentinel status</code> shows the same.</p></noscript>
<div id="stale" class="banner warn" hidden></div>
<div id="state-file-error" class="banner bad" hidden></div>
<div class="grid">
  <div class="card"><div class="k">master</div><div id="master" class="v">…</div></div>
  <div class="card"><div class="k">epoch</div><div id="epoch" class="v">…</div></div>
  <div class="card"><div class="k">failover</div><div id="failover-mode" class="v">…</div></div>
  <div class="card"><div class="k">pending plan</div><div id="pending" class="v">…</div></div>
  <div class="card wide"><div class="k">published</div><div id="published" class="v mono">…</div></div>
  <div class="card wide"><div class="k">waiting for</div><div id="waiting" class="v">…</div></div>
  <div class="card wide"><div class="k">coordination</div><div id="coordination" class="v">…</div></div>
  <div class="card wide"><div class="k">failover budget (outage → new records on every dnsd)</div>
    <div id="budget" class="v">…</div></div>
  <div class="card wide"><div class="k">last failover</div>
    <div id="last-failover" class="v">…</div>
    <div class="dim">measured: <span id="last-failover-seconds" data-within="">…</span></div></div>
</div>
<h2>nodes</h2>
<table>
  <thead><tr><th>node</th><th>priority</th><th>role</th><th>health</th><th>service</th>
    <th>checks: last result, evidence, since</th></tr></thead>
  <tbody id="nodes"></tbody>
</table>
<h2>recent events, newest first <span id="events-count" class="dim"></span></h2>
<table>
  <thead><tr><th>time (UTC)</th><th>event</th><th>node</th><th>epoch</th><th>detail</th></tr></thead>
  <tbody id="events"></tbody>
</table>
</main>
<script>
'use strict';
const REFRESH_MS = 1500;
let refreshes = 0;
let lastOkMs = 0;

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}
function show(v) { return v === null || v === undefined || v === '' ? '—' : String(v); }
function setText(id, v) { document.getElementById(id).textContent = show(v); }
function utc(ms) {
  if (typeof ms !== 'number' || !isFinite(ms) || ms <= 0) return '—';
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
function ago(ms) {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 120) return s + ' s ago';
  if (s < 7200) return Math.round(s / 60) + ' min ago';
  return Math.round(s / 3600) + ' h ago';
}
function secs(ms) { return (ms / 1000).toFixed(ms % 1000 === 0 ? 0 : ms % 100 === 0 ? 1 : 2) + ' s'; }
// A check's "since": unix milliseconds (as at_ms in the history), or text as given.
function since(ck) {
  const v = ck.since_ms !== undefined ? ck.since_ms : ck.since;
  if (typeof v === 'number' && v > 1e11) return 'since ' + utc(v) + ' (' + ago(v) + ')';
  if (v === undefined || v === null || v === '') return '';
  return 'since ' + String(v);
}
function service(n) {
  if (n.drained) return ['drained', 'svc-drained'];
  if (n.damped) return ['damped', 'svc-damped'];
  return n.in_service ? ['in service', 'svc-in'] : ['out of service', 'svc-out'];
}

function nodeRow(n) {
  const tr = el('tr');
  const [svc, svcCls] = service(n);
  tr.dataset.node = show(n.name);
  tr.dataset.role = show(n.role);
  tr.dataset.health = show(n.health);
  tr.dataset.service = svc;
  tr.append(el('td', show(n.name), 'mono'), el('td', show(n.priority)),
            el('td', show(n.role), 'nowrap role-' + n.role),
            el('td', show(n.health), 'nowrap h-' + n.health), el('td', svc, 'nowrap ' + svcCls));
  const checks = el('td');
  for (const ck of Array.isArray(n.checks) ? n.checks : []) {
    const div = el('div', null, 'check');
    div.dataset.check = show(ck.type);
    div.dataset.state = show(ck.state);
    div.append(el('b', show(ck.type) + ' '), el('span', show(ck.state), 'h-' + ck.state),
               el('span', ': last ' + (ck.last_ok ? 'ok' : 'failed') + ' '),
               el('span', show(ck.detail), 'detail mono'));
    const streak = ck.last_ok ? ck.ok_streak : ck.fail_streak;
    if (typeof streak === 'number')
      div.append(el('span', ' (' + streak + (ck.last_ok ? ' ok' : ' failed') + ' in a row)', 'dim'));
    const s = since(ck);
    if (s) div.append(el('span', ' ' + s, 'dim'));
    checks.append(div);
  }
  tr.append(checks);
  return tr;
}

function eventRow(e) {
  const tr = el('tr');
  const name = show(e.event);
  tr.dataset.event = name;
  tr.dataset.node = show(e.node);
  const cls = name.startsWith('-') || name === '+down' ? 'ev-bad'
            : name === '+switch-master' || name === '+up' ? 'ev-good' : '';
  tr.append(el('td', utc(e.at_ms), 'mono'), el('td', name, cls), el('td', show(e.node), 'mono'),
            el('td', show(e.epoch)), el('td', show(e.detail), 'mono'));
  return tr;
}

function renderBudget(b) {
  const parts = [];
  if (typeof b.detect_ms === 'number') {
    parts.push('detect ≤ ' + secs(b.detect_ms) + (b.detect_check ? ' (' + b.detect_check + ')' : ''));
    parts.push('promote ≤ ' + secs(b.promote_ms || 0));
    parts.push('publish ≤ ' + secs(b.publish_ms || 0));
  }
  setText('budget', parts.length ? parts.join(' + ') + ' = ' + secs(b.total_ms || 0) : null);
  const m = document.getElementById('last-failover-seconds');
  if (typeof b.last_failover_seconds === 'number') {
    m.textContent = b.last_failover_seconds.toFixed(2) + ' s from the detected +down to the publish' +
      (typeof b.after_detection_ms === 'number'
         ? ' (budget after detection ' + secs(b.after_detection_ms) + ': ' +
           (b.within_budget ? 'within' : 'OVER') + ')' : '');
    m.dataset.within = String(b.within_budget);
  } else {
    m.textContent = 'no automatic failover timed since this sentinel started';
    m.dataset.within = '';
  }
}

function render(d) {
  const s = d.status || {};
  setText('sentinel-id', s.id);
  setText('zone', s.zone);
  const master = document.getElementById('master');
  master.textContent = show(s.master);
  master.dataset.master = s.master || '';
  const nodes = Array.isArray(s.nodes) ? s.nodes : [];
  const m = nodes.find(n => n.name === s.master);
  master.dataset.health = m ? show(m.health) : '';
  document.title = (s.master ? s.master + ' master' : 'no master') + ' · sentinel ' + show(s.zone);
  setText('epoch', s.epoch);
  setText('failover-mode', s.failover);
  setText('pending', s.pending ? s.pending + (s.busy ? ' (running)' : '') : (s.busy ? 'none (a job is running)' : 'none'));
  setText('published', s.published);
  setText('waiting', s.waiting || 'nothing');
  const co = s.coordination || {};
  const coEl = document.getElementById('coordination');
  coEl.dataset.status = co.status || co.mode || '';
  coEl.dataset.leader = co.leader || '';
  if (co.mode !== 'quorum') {
    coEl.textContent = 'single sentinel (no [coordination]): it decides alone';
  } else {
    const since = typeof co.leader_since_ms === 'number' ? ' since ' + new Date(co.leader_since_ms).toISOString() : '';
    coEl.textContent = (co.leader ? 'leader ' + co.leader + since : 'no leader') +
      ' · quorum ' + co.quorum + ' of ' + (co.sentinels || []).length + ' ' +
      (co.quorum_holds ? 'holds' : 'DOES NOT HOLD') + ' (' + co.live_sentinels + ' live)' +
      ' · this sentinel: ' + co.status + (co.etcd_error ? ' (' + co.etcd_error + ')' : '');
  }
  const sfe = document.getElementById('state-file-error');
  if (s.state_file_error) {
    sfe.textContent = 'STATE FILE NOT SAVED: ' + s.state_file_error +
                      ' (nothing is published or acted on until it is saved)';
    sfe.hidden = false;
  } else {
    sfe.textContent = '';
    sfe.hidden = true;
  }
  const lf = s.last_failover;
  setText('last-failover', lf ? utc(lf.at_ms) + ' (' + ago(lf.at_ms) + '): ' + show(lf.detail) +
                                ', epoch ' + show(lf.epoch) : 'none in the history');
  renderBudget(d.budget || {});
  document.getElementById('nodes').replaceChildren(...nodes.map(nodeRow));
  const events = Array.isArray(d.events) ? d.events : [];
  document.getElementById('events').replaceChildren(...events.map(eventRow));
  setText('events-count', '(' + events.length + ' of ' + show(d.events_total) + ')');
}

function showStale(error) {
  const r = document.getElementById('refresh');
  const stale = document.getElementById('stale');
  r.dataset.refreshes = String(refreshes);
  if (!error) {
    r.dataset.ok = 'true';
    r.textContent = 'updated ' + utc(lastOkMs) + ', every ' + REFRESH_MS / 1000 + ' s';
    stale.hidden = true;
    return;
  }
  r.dataset.ok = 'false';
  r.textContent = 'NOT UPDATING';
  stale.textContent = 'Cannot read the sentinel (' + error + '): what you see is from ' +
                      (lastOkMs ? utc(lastOkMs) + ', ' + ago(lastOkMs) : 'never') + '.';
  stale.hidden = false;
}

async function refresh() {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), 5000);
  try {
    const r = await fetch('/status.json', {cache: 'no-store', signal: ctl.signal});
    const d = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error('HTTP ' + r.status + (d.error ? ': ' + d.error : ''));
    render(d);
    refreshes++;
    lastOkMs = Date.now();
    showStale(null);
  } catch (e) {
    showStale(e && e.name === 'AbortError' ? 'no answer in 5 s' : String(e && e.message || e));
  } finally {
    clearTimeout(timer);
    setTimeout(refresh, REFRESH_MS);
  }
}
refresh();
</script>
</body>
</html>
)html";
}  // namespace

std::string_view status_page_html() { return kPage; }

}  // namespace sentinel::api
