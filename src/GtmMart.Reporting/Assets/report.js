// GTM dashboard script, part 8 of 8: the data, the filters and the wiring. The script selects the rows of the chosen
// month and channel from the embedded query results and formats them; it computes no figure (every number shown is a
// value a report query returned) and fetches nothing.
// Every figure element carries data-figure (a stable key) and data-value (the unformatted query value).
const DATA = JSON.parse(document.getElementById('gtm-data').textContent);
const D = {};
for (const [name, set] of Object.entries(DATA.datasets)) {
  D[name] = set.rows.map(row => {
    const o = {};
    set.columns.forEach((c, i) => { o[c] = row[i]; });
    return o;
  });
}

// ---- filters ----------------------------------------------------------------------------------------------
const months = D.months.slice().sort((a, b) => a.month < b.month ? -1 : 1);
const channels = D.channels.slice().sort((a, b) => a.sort_order - b.sort_order);
const channelNames = channels.map(c => c.channel);
const paidChannels = channels.filter(c => c.is_paid_media).map(c => c.channel);
const defaultMonth = (months.find(m => m.is_default) || months[months.length - 1] || {}).month;
const monthSelect = document.getElementById('month-filter');
const channelSelect = document.getElementById('channel-filter');
const channelLabel = c => c === 'Total' ? 'All channels' : c;

monthSelect.innerHTML = months.map(m =>
  `<option value="${esc(m.month)}">${esc(monthLabel(m.month))}${m.is_complete ? '' : ' (partial)'}</option>`).join('');
channelSelect.innerHTML = ['Total'].concat(channelNames).map(c =>
  `<option value="${esc(c)}">${esc(channelLabel(c))}</option>`).join('');

function readHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  const m = params.get('month');
  const c = params.get('channel');
  monthSelect.value = months.some(x => x.month === m) ? m : defaultMonth;
  channelSelect.value = c === 'Total' || channelNames.includes(c) ? c : 'Total';
}

function state() {
  const month = monthSelect.value;
  const index = months.findIndex(m => m.month === month);
  return {
    month,
    info: months[index],
    previous: index > 0 ? months[index - 1].month : null,
    channel: channelSelect.value,
  };
}

// ---- wiring -----------------------------------------------------------------------------------------------
let renders = 0;
function render() {
  const s = state();
  renderStamps(s);
  renderFunnel(s);
  renderPeriod(s);
  renderMom(s);
  renderShare(s);
  renderEfficiency(s);
  renderPaid(s);
  renderAttribution(s);
  renderIcp(s);
  renderModels();
  renderLifecycle();
  renderAccounts(s);
  renderOpportunities(s);
  labelCells(document.getElementById('main'));
  renders += 1;
  document.body.dataset.month = s.month;
  document.body.dataset.channel = s.channel;
  document.body.dataset.renders = String(renders);
}

function onChange() {
  const hash = `#month=${encodeURIComponent(monthSelect.value)}&channel=${encodeURIComponent(channelSelect.value)}`;
  try { history.replaceState(null, '', hash); } catch (e) { /* some file:// contexts refuse; the filters still work */ }
  render();
}

if (months.length === 0) {
  setHtml('main', '<p class="notice span-12">The mart holds no data yet (no month in core.dim_dates): load a raw folder and build, then write the report again.</p>');
  return;
}

readHash();
monthSelect.addEventListener('change', onChange);
channelSelect.addEventListener('change', onChange);
window.addEventListener('hashchange', () => { readHash(); render(); });
let resizing = null;
window.addEventListener('resize', () => { clearTimeout(resizing); resizing = setTimeout(render, 150); });
render();
