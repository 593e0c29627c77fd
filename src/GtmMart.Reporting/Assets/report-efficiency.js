// GTM dashboard script, part 3 of 8: paid channel efficiency and paid media against organic + direct.
const EFFICIENCY = [
  { key: 'spend_usd', label: 'Ad spend', format: fmt.usd },
  { key: 'cost_per_click', label: 'Cost per click', format: fmt.usd2, weak: 'is_weakest_cost_per_click', worst: 'Highest cost per click' },
  { key: 'cost_per_session', label: 'Cost per session', format: fmt.usd, weak: 'is_weakest_cost_per_session', worst: 'Highest cost per session' },
  { key: 'click_to_session_rate', label: 'Ad click → session', format: fmt.pct2, weak: 'is_weakest_click_to_session_rate', worst: 'Lowest click-to-session rate' },
  { key: 'closed_won', label: 'Closed won', format: fmt.int },
  { key: 'cac', label: 'CAC', format: (v, r) => r.no_wins ? 'no wins' : fmt.usd(v), weak: 'is_weakest_cac', worst: 'Highest CAC' },
  { key: 'roas', label: 'ROAS', format: fmt.ratio, weak: 'is_weakest_roas', worst: 'Lowest ROAS' },
];

function renderEfficiency(s) {
  const all = D.channel_efficiency.filter(r => r.month === s.month);
  const find = c => all.find(r => r.channel === c);
  const selectedPaid = paidChannels.includes(s.channel);
  const list = selectedPaid ? [s.channel, 'Total'] : paidChannels.concat(['Total']);
  const compared = (find('Total') || {}).channels_compared;
  $('efficiency-sub').textContent = `${monthLabel(s.month)} · ${selectedPaid ? s.channel + ' against all paid media' : 'paid-media channels'} · weakest = worst value among the ${compared || 0} paid channels with spend this month`;
  const head = '<tr><th scope="col">Channel</th>' + EFFICIENCY.map(m => `<th scope="col">${esc(m.label)}</th>`).join('') + '</tr>';
  const body = list.map(channel => {
    const r = find(channel);
    if (!r) return '';
    const isTotal = channel === 'Total';
    const cells = EFFICIENCY.map(m => {
      const weakest = m.weak && r[m.weak];
      const text = m.format(r[m.key], r);
      return `<td class="${weakest ? 'weakest' : ''}" ${weakest ? `data-weakest="${esc(m.key)}"` : ''}>${fig(`efficiency.${channel}.${m.key}`, r[m.key], text)}${weakest ? `<span class="weak-tag">⚠ weakest</span>` : ''}</td>`;
    }).join('');
    const label = isTotal ? (selectedPaid ? 'All paid media (reference)' : 'All paid media') : channel;
    return `<tr class="${isTotal ? (selectedPaid ? 'total reference' : 'total') : (channel === s.channel ? 'selected' : '')}" data-channel="${esc(channel)}"><th scope="row" class="text"><span class="swatch" style="background:${isTotal ? '#1c2733' : channelColour(channel)}"></span>${esc(label)}</th>${cells}</tr>`;
  }).join('');
  const weakItems = EFFICIENCY.filter(m => m.weak).flatMap(m => all.filter(r => r[m.weak]).map(r =>
    `<li data-weakest-metric="${esc(m.key)}"><strong>${esc(m.worst)}</strong>: ${esc(r.channel)} (${esc(m.format(r[m.key], r))})</li>`));
  let notice = '';
  if (s.channel !== 'Total' && !selectedPaid) {
    notice = `<p class="notice">${esc(s.channel)} is not paid media and has no ad spend; the table shows the paid channels for comparison.</p>`;
  }
  const weakText = weakItems.length
    ? `<ul class="weak-list" aria-label="Weakest values this month">${weakItems.join('')}</ul>`
    : '<p class="note">Fewer than two paid channels had spend this month: nothing to compare.</p>';
  setHtml('efficiency-body', `${notice}<div class="eff-layout"><div><table><thead>${head}</thead><tbody>${body}</tbody></table>${weakText}</div><div>${roasChart(s, all)}</div></div>`);
}

function roasChart(s, all) {
  const rows = paidChannels.map(c => all.find(r => r.channel === c)).filter(r => r && r.spend_usd > 0);
  if (!rows.length) return '';
  const width = chartWidth(300, 'efficiency-body'), rowHeight = 28, labelWidth = 84, barMax = width - 150;
  const max = Math.max(1.2, ...rows.map(r => r.roas || 0));
  const x = v => labelWidth + v / max * barMax;
  let svg = `<p class="chart-title">ROAS: revenue per $1 of ad spend</p><svg viewBox="0 0 ${width} ${rows.length * rowHeight + 22}" width="${width}" role="img" aria-label="Return on ad spend by paid channel, ${esc(monthLabel(s.month))}">`;
  rows.forEach((r, i) => {
    const y = i * rowHeight;
    const w = Math.max(1, x(r.roas || 0) - labelWidth);
    const dim = s.channel !== 'Total' && paidChannels.includes(s.channel) && r.channel !== s.channel;
    svg += `<text x="${labelWidth - 6}" y="${y + 17}" text-anchor="end" font-size="12">${esc(r.channel)}</text>
      <rect x="${labelWidth}" y="${y + 5}" width="${w.toFixed(1)}" height="16" rx="3" fill="${channelColour(r.channel)}" opacity="${dim ? 0.35 : 1}"${r.is_weakest_roas ? ' stroke="#D55E00" stroke-width="2"' : ''}><title>${esc(r.channel)}: ${esc(fmt.ratio(r.roas))}</title></rect>
      <text x="${(labelWidth + w + 5).toFixed(1)}" y="${y + 17}" font-size="12" font-weight="600">${esc(fmt.ratio(r.roas))}${r.is_weakest_roas ? ' ⚠' : ''}</text>`;
  });
  const breakEven = x(1);
  const bottom = rows.length * rowHeight + 4;
  svg += `<line x1="${breakEven}" x2="${breakEven}" y1="0" y2="${bottom}" stroke="#1c2733" stroke-dasharray="3 3"/>
    <text x="${breakEven}" y="${bottom + 14}" text-anchor="middle" font-size="11" class="muted">1.0× break-even</text></svg>`;
  return svg;
}

const PAID_METRICS = [
  { key: 'sessions', label: 'Site visits', format: fmt.int },
  { key: 'form_submissions', label: 'Form submissions', format: fmt.int },
  { key: 'site_conversion_rate', label: 'Visit → form', format: fmt.pct },
  { key: 'opportunities', label: 'Opportunities', format: fmt.int },
  { key: 'form_to_opportunity_rate', label: 'Form → opportunity', format: fmt.pct },
  { key: 'closed_won', label: 'Closed won', format: fmt.int },
  { key: 'win_rate', label: 'Win rate', format: fmt.pct },
  { key: 'closed_won_revenue_usd', label: 'Closed-won revenue', format: fmt.usd },
  { key: 'spend_usd', label: 'Ad spend', format: fmt.usd },
  { key: 'roas', label: 'ROAS', format: fmt.ratio },
];

function renderPaid(s) {
  const rows = D.paid_vs_organic.filter(r => r.filter_channel === s.channel);
  const series = [...new Map(rows.map(r => [r.series, r])).values()].sort((a, b) => a.series_order - b.series_order);
  const names = series.map(r => r.series);
  const paid = paidChannels.join(', ');
  $('paid-sub').textContent = s.channel === 'Total'
    ? `Paid media (${paid}) against Organic + Direct · funnel for ${monthLabel(s.month)}, revenue by month`
    : `${s.channel} against ${names.filter(n => n !== s.channel).join(' and ')} · funnel for ${monthLabel(s.month)}, revenue by month`;
  const current = series.map(x => rows.find(r => r.series === x.series && r.month === s.month) || {});
  const head = '<tr><th scope="col">' + esc(monthLabel(s.month)) + '</th>' + series.map(x =>
    `<th scope="col"><span class="swatch" style="background:${seriesColour(x)}"></span>${esc(x.series)}</th>`).join('') + '</tr>';
  const body = PAID_METRICS.map(m => `<tr><th scope="row" class="text">${esc(m.label)}</th>` + current.map((r, i) =>
    `<td>${fig(`paid.${names[i]}.${m.key}`, r[m.key], m.format(r[m.key]))}</td>`).join('') + '</tr>').join('');
  const table = `<table><thead>${head}</thead><tbody>${body}</tbody></table>`;
  setHtml('paid-body', `<div class="split"><div>${table}</div><div>${revenueChart(s, rows, series)}</div></div>`);
}

// Axis scale only (presentation): a round tick step giving about four gridlines above the largest value.
function niceTicks(v) {
  if (!(v > 0)) return { step: 1, top: 4 };
  const rough = v / 4;
  const p = Math.pow(10, Math.floor(Math.log10(rough)));
  const n = rough / p;
  const step = (n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10) * p;
  return { step, top: Math.ceil(v / step) * step };
}

function revenueChart(s, rows, series) {
  const width = chartWidth(600, 'paid-body'), height = 250, left = 58, right = 8, top = 26, bottom = 30;
  const plotW = width - left - right, plotH = height - top - bottom;
  const ticks = niceTicks(Math.max(0, ...rows.map(r => r.closed_won_revenue_usd || 0)));
  const max = ticks.top;
  const y = v => top + plotH - (v / max) * plotH;
  const groupW = plotW / Math.max(1, months.length);
  const barW = Math.min(26, (groupW - 10) / Math.max(1, series.length));
  let svg = `<p class="chart-title">Closed-won revenue by month (opportunities' created month)</p>
    <div class="legend">${series.map(x => `<span><span class="swatch" style="background:${seriesColour(x)}"></span>${esc(x.series)}</span>`).join('')}</div>
    <svg viewBox="0 0 ${width} ${height}" width="${width}" role="img" aria-label="Closed-won revenue by month for ${esc(series.map(x => x.series).join(' and '))}">`;
  for (let v = 0; v <= max + ticks.step / 2; v += ticks.step) {
    svg += `<line class="grid-line" x1="${left}" x2="${width - right}" y1="${y(v)}" y2="${y(v)}"/><text x="${left - 6}" y="${y(v) + 4}" text-anchor="end" font-size="11" class="muted">${esc(fmt.usdShort(v))}</text>`;
  }
  months.forEach((m, i) => {
    const gx = left + i * groupW;
    const selected = m.month === s.month;
    if (selected) svg += `<rect x="${gx + 1}" y="${top - 22}" width="${groupW - 2}" height="${plotH + 22}" fill="#eef4fa" rx="4"/>`;
    series.forEach((x, j) => {
      const r = rows.find(q => q.series === x.series && q.month === m.month);
      const v = r ? r.closed_won_revenue_usd : null;
      const bx = gx + (groupW - barW * series.length) / 2 + j * barW;
      const by = y(v || 0);
      svg += `<rect x="${bx.toFixed(1)}" y="${by.toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(top + plotH - by).toFixed(1)}" fill="${seriesColour(x)}" opacity="${selected ? 1 : 0.75}" ${attrs(`paid.${x.series}.revenue.${m.month}`, v)}><title>${esc(x.series)}, ${esc(monthLabel(m.month))}: ${esc(fmt.usd(v))}</title></rect>`;
    });
    if (selected) {
      const labels = series.map(x => { const r = rows.find(q => q.series === x.series && q.month === m.month); return fmt.usdShort(r ? r.closed_won_revenue_usd : null); });
      svg += `<text x="${gx + groupW / 2}" y="${top - 8}" text-anchor="middle" font-size="11" font-weight="700">${esc(labels.join(' / '))}</text>`;
    }
    svg += `<text x="${gx + groupW / 2}" y="${height - 10}" text-anchor="middle" font-size="12" font-weight="${selected ? 700 : 400}">${esc(MONTHS[+m.month.slice(5, 7) - 1])}${m.is_complete ? '' : '*'}</text>`;
  });
  svg += `<line class="axis" x1="${left}" x2="${width - right}" y1="${top + plotH}" y2="${top + plotH}"/></svg>`;
  const partial = months.some(m => !m.is_complete) ? '<p class="note">* partial month. Recent months carry opportunities that are still open, so their revenue is still growing.</p>' : '';
  return svg + partial;
}
