// GTM dashboard script, part 6 of 8: ICP mix, priority accounts and open opportunities.
// With all channels: every channel and Total for the month. With one channel: that channel month by month plus
// all channels for the chosen month as the reference.
function renderIcp(s) {
  const single = s.channel !== 'Total';
  $('icp-sub').textContent = single
    ? `${s.channel} month by month · opportunities by their account's ICP tier (latest scores)`
    : `${monthLabel(s.month)} · opportunities created this month by their account's ICP tier (latest scores)`;
  if (unavailable('icp_mix')) { setHtml('icp-body', scoresMissing()); return; }
  const find = (c, m) => D.icp_mix.find(r => r.channel === c && r.month === m);
  const lines = single
    ? months.map(m => ({ row: find(s.channel, m.month), key: m.month === s.month ? s.channel : `${s.channel}.${m.month}`, label: monthLabel(m.month), bold: m.month === s.month }))
      .concat([{ row: find('Total', s.month), key: 'Total', label: `All, ${MONTHS[+s.month.slice(5, 7) - 1]} (ref.)`, bold: false }])
    : channelNames.concat(['Total']).map(c => ({ row: find(c, s.month), key: c, label: c === 'Total' ? 'All channels' : c, bold: c === 'Total' }));
  const rows = lines.filter(l => l.row);
  const width = chartWidth(640, 'icp-body'), rowHeight = 34, labelWidth = width < 500 ? 112 : 150, barW = width - labelWidth - 110;
  let svg = `<div class="legend">${TIERS.map(t => `<span><span class="swatch" style="background:${t.fill}"></span>${t.label === 'not scored' ? 'not scored' : 'Tier ' + t.label}</span>`).join('')}</div>
    <svg viewBox="0 0 ${width} ${rows.length * rowHeight + 4}" width="${width}" role="img" aria-label="Share of opportunities by ICP tier, ${esc(single ? s.channel + ' by month' : monthLabel(s.month))}">`;
  rows.forEach((line, i) => {
    const r = line.row;
    const y = i * rowHeight + 2;
    svg += `<g data-channel="${esc(r.channel)}" data-month="${esc(r.month)}"><text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end" font-size="13" font-weight="${line.bold ? 700 : 400}">${esc(line.label)}</text>
      <text x="${labelWidth - 8}" y="${y + 29}" text-anchor="end" font-size="11" class="muted">${esc(fmt.int(r.opportunities))} opps</text>`;
    if (!r.opportunities) {
      svg += `<text x="${labelWidth}" y="${y + 20}" font-size="12" class="muted">no opportunities this month</text>`;
    } else {
      let x = labelWidth;
      for (const t of TIERS) {
        const w = (r[t.share] || 0) * barW;
        if (w <= 0) continue;
        svg += `<rect x="${x.toFixed(1)}" y="${y + 4}" width="${w.toFixed(1)}" height="24" fill="${t.fill}" stroke="#ffffff" stroke-width="1"><title>${esc(line.label)}: tier ${esc(t.label)} ${esc(fmt.int(r[t.key]))} (${esc(fmt.pct(r[t.share]))})</title></rect>`;
        if (w > 34) svg += `<text x="${(x + w / 2).toFixed(1)}" y="${y + 21}" text-anchor="middle" font-size="11" style="fill:${t.ink}">${esc(fmt.pct(r[t.share]).replace('.0%', '%'))}</text>`;
        x += w;
      }
    }
    svg += `<text x="${labelWidth + barW + 10}" y="${y + 15}" font-size="13" font-weight="700" ${attrs(`icp.${line.key}.share_ab`, r.share_ab)}>${esc(fmt.pct(r.share_ab))}</text>
      <text x="${labelWidth + barW + 10}" y="${y + 29}" font-size="11" class="muted">tier A or B</text></g>`;
  });
  svg += '</svg>';
  const icp = DATA.models.find(m => m.model === 'icp');
  const tiers = icp && icp.tiers.length ? icp.tiers.join('; ') : 'A fit ≥ 75, B ≥ 50, C ≥ 25, D below';
  setHtml('icp-body', svg + `<p class="note">Right-hand figure: share of the opportunities from tier A/B accounts (ideal customers). Tiers: ${esc(tiers)}.</p>` + trustNote(['icp']));
}

function renderAccounts(s) {
  if (unavailable('priority_accounts')) {
    $('accounts-sub').textContent = 'Accounts ranked by fit × open pipeline × win probability';
    setHtml('accounts-body', scoresMissing());
    return;
  }
  const rows = D.priority_accounts.filter(r => r.month === s.month && r.filter_channel === s.channel).sort((a, b) => a.position - b.position);
  const ranked = rows.length ? rows[0].accounts_ranked : 0;
  $('accounts-sub').textContent = `Top ${rows.length} of ${fmt.int(ranked)} accounts with open ${s.channel === 'Total' ? '' : s.channel + ' '}opportunities created by the end of ${monthLabel(s.month)} · ranked by fit/100 × open pipeline × best win probability`;
  if (!rows.length) { setHtml('accounts-body', '<p class="notice">No open, scored opportunities for this month and channel.</p>'); return; }
  const head = `<tr><th scope="col">#</th><th scope="col" class="text">Account</th><th scope="col">Tier</th><th scope="col">Fit</th><th scope="col">Open pipeline</th>
    <th scope="col">Best win probability</th><th scope="col">Priority ($)</th><th scope="col" class="text">Why it fits (ICP model)</th></tr>`;
  const body = rows.map(r => `<tr data-account-id="${esc(r.account_id)}">
    <td>${esc(r.position)}</td>
    <td class="text"><span class="who">${esc(r.account_name || r.account_id)}</span><span class="who-sub">${esc(r.account_id)}${r.industry ? ' · ' + esc(r.industry) : ''} · ${esc(r.segment)}</span></td>
    <td>${tierBadge(r.tier)}</td>
    <td>${fig(`accounts.${r.position}.fit_score`, r.fit_score, fmt.score(r.fit_score))}${trustTag('icp')}</td>
    <td>${fig(`accounts.${r.position}.open_pipeline_usd`, r.open_pipeline_usd, fmt.usd(r.open_pipeline_usd))}<span class="who-sub">${esc(fmt.int(r.open_opportunities))} open</span></td>
    <td>${fig(`accounts.${r.position}.best_win_probability`, r.best_win_probability, fmt.pct(r.best_win_probability))}${trustTag('opportunity-scoring')}<span class="who-sub">${esc(r.best_opportunity_id)}</span></td>
    <td>${fig(`accounts.${r.position}.priority_score`, r.priority_score, fmt.usd(r.priority_score))}</td>
    <td class="text">${reasons(r.top_factors, 3)}</td></tr>`).join('');
  const first = rows[0];
  const explain = `<p class="note" id="priority-explained"><strong>Priority</strong> is the open pipeline weighted by how well the account fits the
    ideal customer profile and how likely its best open deal is to close: fit / 100 × open pipeline × best win probability, in dollars.
    For #1: ${esc(fmt.score(first.fit_score))} / 100 × ${esc(fmt.usd(first.open_pipeline_usd))} × ${esc(fmt.pct(first.best_win_probability))} = ${esc(fmt.usd(first.priority_score))}.
    Call the accounts at the top first.</p>`;
  setHtml('accounts-body', `<table class="top-aligned"><thead>${head}</thead><tbody>${body}</tbody></table>` + explain + trustNote(['icp', 'opportunity-scoring']));
}

function renderOpportunities(s) {
  if (unavailable('open_opportunities')) {
    $('opportunities-sub').textContent = 'Open opportunities by expected value (win probability × pipeline)';
    setHtml('opportunities-body', scoresMissing());
    return;
  }
  const rows = D.open_opportunities.filter(r => r.month === s.month && r.filter_channel === s.channel).sort((a, b) => a.position - b.position);
  const ranked = rows.length ? rows[0].open_ranked : 0;
  $('opportunities-sub').textContent = `Top ${rows.length} of ${fmt.int(ranked)} open ${s.channel === 'Total' ? '' : s.channel + ' '}opportunities created by the end of ${monthLabel(s.month)} · ranked by expected value = win probability × pipeline`;
  if (!rows.length) { setHtml('opportunities-body', '<p class="notice">No open, scored opportunities for this month and channel.</p>'); return; }
  const head = `<tr><th scope="col">#</th><th scope="col" class="text">Opportunity</th><th scope="col">Tier</th><th scope="col" class="text">Channel</th><th scope="col" class="text">Stage</th>
    <th scope="col">Created</th><th scope="col">Pipeline</th><th scope="col">Win probability</th><th scope="col">Expected value</th><th scope="col" class="text">Top reasons (opportunity model)</th></tr>`;
  const body = rows.map(r => {
    let factors = [];
    try { factors = JSON.parse(r.top_factors || '[]'); } catch (e) { factors = []; }
    const top = factors.filter(f => f.direction === '+').slice(0, 2)
      .concat(factors.filter(f => f.direction === '-').slice(0, 1), factors.filter(f => f.direction === 'unknown').slice(0, 1));
    return `<tr data-opportunity-id="${esc(r.opportunity_id)}">
      <td>${esc(r.position)}</td>
      <td class="text"><span class="who">${esc(r.account_name || r.account_id)}</span><span class="who-sub">${esc(r.opportunity_id)} · ${esc(r.account_id)}</span></td>
      <td>${tierBadge(r.tier)}</td>
      <td class="text nowrap"><span class="swatch" style="background:${channelColour(r.channel)}"></span>${esc(r.channel)}</td>
      <td class="text">${esc(r.stage)}</td>
      <td class="nowrap">${esc(dayLabel(r.created_date))}</td>
      <td>${fig(`opportunities.${r.position}.pipeline_amount_usd`, r.pipeline_amount_usd, fmt.usd(r.pipeline_amount_usd))}</td>
      <td class="nowrap"><span class="scorebar" aria-hidden="true"><span style="width:${Math.max(0, Math.min(100, (r.probability || 0) * 100))}%"></span></span>${fig(`opportunities.${r.position}.probability`, r.probability, fmt.pct(r.probability))}${trustTag('opportunity-scoring')}</td>
      <td>${fig(`opportunities.${r.position}.expected_value_usd`, r.expected_value_usd, fmt.usd(r.expected_value_usd))}</td>
      <td class="text">${reasons(JSON.stringify(top))}</td></tr>`;
  }).join('');
  setHtml('opportunities-body', `<table class="top-aligned"><thead>${head}</thead><tbody>${body}</tbody></table>` + trustNote(['opportunity-scoring']));
}
