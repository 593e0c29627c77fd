// GTM dashboard script, part 7 of 8: multi-touch attribution and the whole period's totals.
// Every figure is a row of the attribution / period_totals queries; the script only selects and formats them.
let attributionScope = 'month';

function renderPeriod(s) {
  const r = (D.period_totals || []).find(x => x.channel === s.channel);
  if (!r) { setHtml('funnel-period', ''); return; }
  const k = key => `period.${s.channel}.${key}`;
  setHtml('funnel-period', `<p class="period-totals"><strong>All months</strong> (${esc(monthLabel(r.first_month))} – ${esc(monthLabel(r.last_month))}, ${esc(channelLabel(s.channel))}):
    ${fig(k('sessions'), r.sessions, fmt.int(r.sessions))} site visits · ${fig(k('form_submissions'), r.form_submissions, fmt.int(r.form_submissions))} form submissions ·
    ${fig(k('opportunities'), r.opportunities, fmt.int(r.opportunities))} opportunities · ${fig(k('closed_won'), r.closed_won, fmt.int(r.closed_won))} closed won
    (${fig(k('closed_won_revenue_usd'), r.closed_won_revenue_usd, fmt.usd(r.closed_won_revenue_usd))})</p>`);
}

function renderAttribution(s) {
  const period = attributionScope === 'all' ? 'all' : s.month;
  const rows = (D.attribution || []).filter(r => r.period === period);
  const models = [...new Map(rows.map(r => [r.model, r])).values()].sort((a, b) => a.model_order - b.model_order);
  const cell = (channel, model) => rows.find(r => r.channel === channel && r.model === model);
  const listed = channelNames.filter(c => rows.some(r => r.channel === c && (r.attributed_won > 0 || (r.attributed_opportunities || 0) > 0)));
  const closedWon = (rows[0] || {}).closed_won;
  const scopeLabel = period === 'all' ? 'all months' : monthLabel(s.month);
  $('attribution-sub').textContent = `${scopeLabel} · share of closed-won deals credited to each channel under each model, the CRM source first · ${fmt.int(closedWon)} closed won`;
  const toggle = `<div class="scope" role="radiogroup" aria-label="Period">
    <label><input type="radio" name="attribution-scope" value="month" ${period === 'all' ? '' : 'checked'}> ${esc(monthLabel(s.month))}</label>
    <label><input type="radio" name="attribution-scope" value="all" ${period === 'all' ? 'checked' : ''}> All months</label></div>`;
  if (!rows.length || !listed.length) {
    setHtml('attribution-body', `${toggle}<p class="note">No opportunity was created in ${esc(scopeLabel)}: nothing to attribute.</p>`);
    wireScope();
    return;
  }
  const head = '<tr><th scope="col">Channel</th>' + models.map(m => `<th scope="col">${esc(m.model_label)}</th>`).join('') +
    '<th scope="col">Spread between models</th></tr>';
  const body = listed.map(channel => {
    const cells = models.map(m => {
      const r = cell(channel, m.model);
      return `<td>${fig(`attribution.${period}.${channel}.${m.model}.won_share`, r && r.won_share, fmt.pct(r && r.won_share))}</td>`;
    }).join('');
    const any = cell(channel, models[0].model) || {};
    return `<tr class="${channel === s.channel ? 'selected' : ''}" data-channel="${esc(channel)}"><th scope="row" class="text"><span class="swatch" style="background:${channelColour(channel)}"></span>${esc(channel)}</th>${cells}<td>${spreadBar(channel, any, cell(channel, 'crm_source'))}</td></tr>`;
  }).join('');
  const paid = listed.filter(c => paidChannels.includes(c));
  const effHead = '<tr><th scope="col">Paid channel</th>' + models.map(m => `<th scope="col">${esc(m.model_label)}</th>`).join('') + '</tr>';
  const effBody = paid.map(channel => `<tr class="${channel === s.channel ? 'selected' : ''}"><th scope="row" class="text">${esc(channel)}</th>${models.map(m => {
    const r = cell(channel, m.model) || {};
    return `<td><span class="stack">CAC ${fig(`attribution.${period}.${channel}.${m.model}.cac`, r.cac, r.attributed_won > 0 ? fmt.usd(r.cac) : 'no wins')}</span>
      <span class="stack">ROAS ${fig(`attribution.${period}.${channel}.${m.model}.roas`, r.roas, fmt.ratio(r.roas))}</span></td>`;
  }).join('')}</tr>`).join('');
  setHtml('attribution-body', `${toggle}
    <div class="table-wrap"><table class="attribution"><thead>${head}</thead><tbody>${body}</tbody></table></div>
    <p class="note">Touches are the account's web sessions in the 90 days up to the day the opportunity was created; an opportunity
    without one is credited to its CRM source under every model. The bar spans the six touch-based models' shares; ◆ marks the CRM source.</p>
    ${paid.length ? `<h3 class="minor">CAC and ROAS under each model</h3><div class="table-wrap"><table class="attribution"><thead>${effHead}</thead><tbody>${effBody}</tbody></table></div>` : ''}`);
  wireScope();
}

function spreadBar(channel, r, crm) {
  const width = 160, height = 26, pad = 6;
  const x = v => pad + Math.max(0, Math.min(1, v || 0)) * (width - 2 * pad);
  const lo = r.min_touch_won_share, hi = r.max_touch_won_share;
  if (!isNum(lo) || !isNum(hi)) return DASH;
  const crmX = crm && isNum(crm.won_share) ? x(crm.won_share) : null;
  return `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(channel)}: touch-based models credit ${esc(fmt.pct(lo))} to ${esc(fmt.pct(hi))} of closed won${crmX === null ? '' : `, the CRM source ${esc(fmt.pct(crm.won_share))}`}">
    <line x1="${pad}" x2="${width - pad}" y1="13" y2="13" stroke="#d0d7de" stroke-width="2"/>
    <rect x="${x(lo).toFixed(1)}" y="7" width="${Math.max(2, x(hi) - x(lo)).toFixed(1)}" height="12" rx="3" fill="${channelColour(channel)}"/>
    ${crmX === null ? '' : `<path d="M ${crmX.toFixed(1)} 5 l 6 8 l -6 8 l -6 -8 z" fill="#1c2733"/>`}
    <text x="${width - pad}" y="${height - 1}" text-anchor="end" font-size="11">${esc(fmt.pct(lo))}–${esc(fmt.pct(hi))}</text></svg>`;
}

function wireScope() {
  document.querySelectorAll('input[name="attribution-scope"]').forEach(input => input.addEventListener('change', () => {
    attributionScope = input.value;
    renderAttribution(state());
    labelCells($('attribution-body'));
  }));
}
