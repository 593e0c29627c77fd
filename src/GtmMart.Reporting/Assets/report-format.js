// GTM dashboard script, part 1 of 8 (ReportHtml joins the parts, in this order, inside one strict IIFE):
// number, date and text formatting, colours and tier styles.
// ---- formatting -------------------------------------------------------------------------------------------
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const int0 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const usd0 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
const usd2 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const usdShort = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', notation: 'compact', maximumFractionDigits: 1 });
const isNum = v => typeof v === 'number' && isFinite(v);
const DASH = '–';
const fmt = {
  int: v => isNum(v) ? int0.format(v) : DASH,
  usd: v => !isNum(v) ? DASH : v !== 0 && Math.abs(v) < 100 ? usd2.format(v) : usd0.format(v),
  usd2: v => isNum(v) ? usd2.format(v) : DASH,
  usdShort: v => isNum(v) ? usdShort.format(v) : DASH,
  pct: v => isNum(v) ? (v * 100).toFixed(1) + '%' : DASH,
  pct2: v => isNum(v) ? (v * 100).toFixed(2) + '%' : DASH,
  ratio: v => isNum(v) ? v.toFixed(2) + '×' : DASH,
  score: v => isNum(v) ? v.toFixed(0) : DASH,
};
const monthLabel = iso => { const p = iso.split('-'); return MONTHS[+p[1] - 1] + ' ' + p[0]; };
const dayLabel = iso => { const p = iso.slice(0, 10).split('-'); return (+p[2]) + ' ' + MONTHS[+p[1] - 1] + ' ' + p[0]; };
const stampLabel = iso => iso ? iso.replace('T', ' ').slice(0, 16) : DASH;
const esc = s => String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const raw = v => (v === null || v === undefined) ? '' : String(v);
const attrs = (key, value) => `data-figure="${esc(key)}" data-value="${esc(raw(value))}"`;
const fig = (key, value, text, cls) => `<span class="fig${cls ? ' ' + cls : ''}" ${attrs(key, value)}>${esc(text)}</span>`;

// A signed change: ▲/▼ and the sign say the direction, the colour repeats it (blue up, orange down).
// A change that rounds to 0.0 is shown as unchanged, so the colour never disagrees with the printed number.
function signed(key, v, kind) {
  if (!isNum(v)) return { cls: 'none', html: fig(key, null, DASH, 'chg none') };
  const direction = Math.abs(v) < 0.0005 ? 0 : Math.sign(v);
  const cls = direction > 0 ? 'good' : direction < 0 ? 'bad' : 'flat';
  const arrow = direction > 0 ? '▲' : direction < 0 ? '▼' : '■';
  const sign = direction > 0 ? '+' : direction < 0 ? '−' : '±';
  const magnitude = Math.abs(v * 100).toFixed(1) + (kind === 'pp' ? ' pp' : '%');
  const word = direction > 0 ? 'up' : direction < 0 ? 'down' : 'unchanged';
  return { cls, html: `<span class="fig chg ${cls}" ${attrs(key, v)} title="${word} against the previous month">${arrow} ${sign}${magnitude}</span>` };
}

// Change of a count: the mart's mom_change_pct, or "new" when the previous month had none.
function countChange(key, current, previous, pct) {
  if (!isNum(previous)) return { cls: 'none', html: `<span class="fig chg none" ${attrs(key, null)} title="no earlier month in the data">${DASH}</span>` };
  if (previous === 0) {
    return current > 0
      ? { cls: 'good', html: `<span class="fig chg good" ${attrs(key, null)} title="up from none the previous month">▲ new</span>` }
      : { cls: 'flat', html: fig(key, 0, '■ none', 'chg flat') };
  }
  return signed(key, pct, 'pct');
}

function reasons(json, limit) {
  let list = [];
  try { list = JSON.parse(json || '[]'); } catch (e) { list = []; }
  const chosen = limit ? list.slice(0, limit) : list;
  if (chosen.length === 0) return '<span class="note">no reasons stored</span>';
  return '<ul class="reasons">' + chosen.map(f => {
    if (f.direction === 'unknown') {
      return `<li><span class="dir unknown" title="the model did not know this value: it is no reason">?</span>${esc(f.text)}</li>`;
    }
    const plus = f.direction === '+';
    return `<li><span class="dir ${plus ? 'plus' : 'minus'}" title="${plus ? 'raises' : 'lowers'} the score">${plus ? '+' : '−'}</span>${esc(f.text)}</li>`;
  }).join('') + '</ul>';
}

const tierBadge = t => t ? `<span class="tier tier-${esc(t)}" title="ICP tier ${esc(t)}">${esc(t)}</span>` : '<span class="tier tier-none" title="not scored">?</span>';

// Okabe-Ito colours per channel; series colours for the paid-media comparison.
const CHANNEL_COLOURS = {
  'Google Ads': '#0072B2', 'LinkedIn': '#56B4E9', 'Meta': '#CC79A7', 'Twitter': '#E69F00',
  'Organic': '#009E73', 'Direct': '#5f6b77', 'Partner': '#D55E00', 'Other': '#B8A300',
};
const channelColour = c => CHANNEL_COLOURS[c] || '#7b8794';
const SERIES_COLOURS = { 'Paid media': '#0072B2', 'Organic + Direct': '#E69F00' };
const seriesColour = r => {
  if (!r.is_selected_channel) return SERIES_COLOURS[r.series] || '#7b8794';
  const own = channelColour(r.series);
  return Object.values(SERIES_COLOURS).includes(own) ? '#009E73' : own;
};
const TIERS = [
  { key: 'tier_a', share: 'share_a', label: 'A', fill: '#08306b', ink: '#ffffff' },
  { key: 'tier_b', share: 'share_b', label: 'B', fill: '#2171b5', ink: '#ffffff' },
  { key: 'tier_c', share: 'share_c', label: 'C', fill: '#9ecae1', ink: '#08306b' },
  { key: 'tier_d', share: 'share_d', label: 'D', fill: '#deebf7', ink: '#08306b' },
  { key: 'unscored', share: 'share_unscored', label: 'not scored', fill: '#d0d5db', ink: '#1c2733' },
];

// The width to draw a chart at: its ideal width, or the width of the card body it goes in when that is narrower (a
// phone), so chart text is drawn at its font size instead of being scaled down.
function chartWidth(ideal, containerId) {
  const body = document.getElementById(containerId);
  const style = body ? getComputedStyle(body) : null;
  const inner = body ? body.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) : ideal;
  return Math.max(240, Math.min(ideal, Math.floor(inner)));
}

// Labels every table cell with its column's heading (data-label), which the phone layout shows beside the value.
function labelCells(root) {
  for (const table of root.querySelectorAll('table')) {
    const heads = table.tHead ? [...table.tHead.rows[table.tHead.rows.length - 1].cells].map(c => c.textContent.trim()) : [];
    for (const body of table.tBodies) {
      for (const row of body.rows) {
        [...row.cells].forEach((cell, i) => { if (cell.tagName === 'TD' && heads[i]) cell.dataset.label = heads[i]; });
      }
    }
  }
}
