// GTM dashboard script. It selects the rows of the chosen month and channel from the embedded query results and
// formats them; it computes no figure (every number shown is a value a report query returned) and fetches nothing.
// Every figure element carries data-figure (a stable key) and data-value (the unformatted query value).
(function () {
  'use strict';

  const DATA = JSON.parse(document.getElementById('gtm-data').textContent);
  const D = {};
  for (const [name, set] of Object.entries(DATA.datasets)) {
    D[name] = set.rows.map(row => {
      const o = {};
      set.columns.forEach((c, i) => { o[c] = row[i]; });
      return o;
    });
  }

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

  // ---- sections ---------------------------------------------------------------------------------------------
  const $ = id => document.getElementById(id);
  const setHtml = (id, html) => { $(id).innerHTML = html; };
  const unavailable = name => DATA.unavailable[name] || (D[name] ? null : 'not queried');
  const scoresMissing = () => `<p class="notice">Scores are not available yet: no score write-back has run against this warehouse.
    Run <code>gtm score</code> (or <code>gtm run</code>) and write the report again.</p>`;

  function renderStamps(s) {
    const parts = [];
    const build = (D.build || [])[0];
    if (build) {
      parts.push(`<span>Data: <strong>build ${fig('build.id', build.build_id, '#' + build.build_id)}</strong>, published ${fig('build.published_at', build.published_at, stampLabel(build.published_at))},
        covering ${fig('build.first_date', build.first_date, dayLabel(build.first_date))} – ${fig('build.last_date', build.last_date, dayLabel(build.last_date))}
        (${fig('build.tests_passed', build.tests_passed, fmt.int(build.tests_passed))} data tests passed)</span>`);
    } else {
      parts.push('<span class="warn">Data: no published build recorded in gtm_meta.builds</span>');
    }
    const run = (D.score_run || [])[0];
    if (run) {
      parts.push(`<span>Scores: <strong>${fig('score.scored_at', run.scored_at, stampLabel(run.scored_at) + ' UTC')}</strong>, run ${fig('score.run_id', run.run_id, run.run_id)}
        (${esc(run.opportunity_model)} ${esc(run.opportunity_model_version)}, ${esc(run.icp_model)} ${esc(run.icp_model_version)})</span>`);
      if (build && run.feature_build_id !== build.build_id) {
        parts.push(`<span class="warn">⚠ Scores were computed on build #${esc(run.feature_build_id)}, the data is build #${esc(build.build_id)}: run <code>gtm score</code> to refresh them</span>`);
      }
    } else {
      parts.push(`<span class="warn" data-figure="score.status" data-value="unavailable">Scores: not available yet (no write-back has run)</span>`);
    }
    if (s.info && !s.info.is_complete) {
      parts.push(`<span class="warn">⚠ ${esc(monthLabel(s.month))} is a partial month: the data covers ${esc(s.info.days_in_data)} of ${esc(s.info.days_in_month)} days</span>`);
    }
    setHtml('stamps', parts.join(''));
  }

  const CONVERSION_LABELS = { 2: 'of visits submit a form', 3: 'of forms become opportunities', 4: 'of opportunities are won' };

  function renderFunnel(s) {
    const rows = D.funnel.filter(r => r.channel === s.channel && r.month === s.month).sort((a, b) => a.step_index - b.step_index);
    $('funnel-sub').textContent = `${monthLabel(s.month)} · ${channelLabel(s.channel)} · changes against ${s.previous ? monthLabel(s.previous) : 'the previous month (none in the data)'}`;
    let html = '<div class="funnel">';
    let offSite = false;
    rows.forEach((r, i) => {
      if (i > 0) {
        const change = signed(`funnel.conversion_change.${r.step_index}`, r.step_conversion_change, 'pp');
        html += `<div class="conv"><span class="conv-arrow" aria-hidden="true">→</span>
          <span class="conv-rate">${fig(`funnel.conversion.${r.step_index}`, r.step_conversion, fmt.pct(r.step_conversion))}</span>
          <span class="conv-label">${CONVERSION_LABELS[r.step_index]}</span><span class="conv-chg">${change.html}</span></div>`;
        if (r.previous_step_count === 0 && r.step_count > 0) offSite = true;
      }
      const change = countChange(`funnel.change.${r.step_index}`, r.step_count, r.prev_step_count, r.mom_change_pct);
      const width = isNum(r.conversion_from_visits) ? Math.max(0, Math.min(100, r.conversion_from_visits * 100)) : 0;
      html += `<div class="step" data-step="${r.step_index}">
        <div class="step-name">${esc(r.step_name)}</div>
        <div class="step-count">${fig(`funnel.count.${r.step_index}`, r.step_count, fmt.int(r.step_count))}</div>
        <div class="step-mom">${change.html}</div>
        <div class="step-bar" role="img" aria-label="${esc(fmt.pct(r.conversion_from_visits))} of site visits"><span style="width:${width}%"></span></div>
        <div class="step-share">${r.step_index === 1 ? (r.step_count > 0 ? 'bars: share of site visits reaching each step' : 'no site visits') : isNum(r.conversion_from_visits) ? fig(`funnel.of_visits.${r.step_index}`, r.conversion_from_visits, fmt.pct2(r.conversion_from_visits)) + ' of site visits' : 'no site visits'}</div>
      </div>`;
    });
    html += '</div>';
    if (offSite) {
      html += `<p class="note">${esc(channelLabel(s.channel))} has opportunities without site visits or form submissions in this month (sourced outside the website), so some step conversions do not apply.</p>`;
    }
    setHtml('funnel-body', html);
  }

  // With all channels: one row per channel and Total for the month. With one channel: that channel month by month
  // (the chosen month highlighted), so the table shows its trend.
  function renderMom(s) {
    const single = s.channel !== 'Total';
    $('mom-sub').textContent = single
      ? `${s.channel} month by month · counts with % change, conversions with percentage-point change against the month before`
      : `${monthLabel(s.month)} against ${s.previous ? monthLabel(s.previous) : 'no earlier month'} · counts with % change, conversions with percentage-point change`;
    const head = `<tr><th scope="col">${single ? 'Month' : 'Channel'}</th><th scope="col">Site visits</th><th scope="col">Form submissions</th><th scope="col">Opportunities</th>
      <th scope="col">Closed won</th><th scope="col">Visit → form</th><th scope="col">Form → opp.</th><th scope="col">Opp. → won</th></tr>`;
    const lines = single
      ? months.map(m => ({ channel: s.channel, month: m.month, key: m.month === s.month ? s.channel : `${s.channel}.${m.month}`, label: monthLabel(m.month) + (m.is_complete ? '' : '*'), cls: m.month === s.month ? 'selected' : '', swatch: null }))
      : channelNames.concat(['Total']).map(c => ({ channel: c, month: s.month, key: c, label: c === 'Total' ? 'All channels' : c, cls: c === 'Total' ? 'total' : '', swatch: c === 'Total' ? '#1c2733' : channelColour(c) }));
    const body = lines.map(line => {
      const rows = D.funnel.filter(r => r.channel === line.channel && r.month === line.month).sort((a, b) => a.step_index - b.step_index);
      let cells = '';
      for (const r of rows) {
        const change = countChange(`mom.${line.key}.change.${r.step_index}`, r.step_count, r.prev_step_count, r.mom_change_pct);
        cells += `<td class="${change.cls}"><span class="cell-value">${fig(`mom.${line.key}.count.${r.step_index}`, r.step_count, fmt.int(r.step_count))}</span><span class="cell-change">${change.html}</span></td>`;
      }
      for (const r of rows.filter(x => x.step_index > 1)) {
        const change = signed(`mom.${line.key}.conversion_change.${r.step_index}`, r.step_conversion_change, 'pp');
        cells += `<td class="${change.cls}"><span class="cell-value">${fig(`mom.${line.key}.conversion.${r.step_index}`, r.step_conversion, fmt.pct(r.step_conversion))}</span><span class="cell-change">${change.html}</span></td>`;
      }
      const swatch = line.swatch ? `<span class="swatch" style="background:${line.swatch}"></span>` : '';
      return `<tr class="${line.cls}" data-channel="${esc(line.channel)}" data-month="${esc(line.month)}"><th scope="row" class="text">${swatch}${esc(line.label)}</th>${cells}</tr>`;
    }).join('');
    const partial = single && months.some(m => !m.is_complete) ? ' * partial month.' : '';
    setHtml('mom-body', `<table><caption>Blue cells rose (▲), orange cells fell (▼) against the previous month; – where there is no earlier month or no base.${partial}</caption><thead>${head}</thead><tbody>${body}</tbody></table>`);
  }

  function renderShare(s) {
    const rows = D.session_share.filter(r => r.month === s.month).sort((a, b) => (b.share || 0) - (a.share || 0));
    const total = rows.length ? rows[0].total_sessions : null;
    $('share-sub').textContent = `${monthLabel(s.month)} · share of ${fmt.int(total)} site visits`;
    const rowHeight = 30, labelWidth = 96, barMax = 190, width = 380;
    const max = Math.max(0.0001, ...rows.map(r => r.share || 0));
    const dim = s.channel !== 'Total';
    let svg = `<svg viewBox="0 0 ${width} ${rows.length * rowHeight + 4}" width="${width}" role="img" aria-label="Session share by channel, ${esc(monthLabel(s.month))}">`;
    rows.forEach((r, i) => {
      const y = i * rowHeight + 4;
      const w = Math.max(1, (r.share || 0) / max * barMax);
      const selected = r.channel === s.channel;
      const opacity = dim && !selected ? 0.35 : 1;
      svg += `<g data-channel="${esc(r.channel)}"><text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end" font-size="13" font-weight="${selected ? 700 : 400}">${esc(r.channel)}</text>
        <rect x="${labelWidth}" y="${y + 4}" width="${w.toFixed(1)}" height="18" rx="3" fill="${channelColour(r.channel)}" opacity="${opacity}"><title>${esc(r.channel)}: ${esc(fmt.pct(r.share))} (${esc(fmt.int(r.sessions))} visits)</title></rect>
        <text x="${(labelWidth + w + 6).toFixed(1)}" y="${y + 17}" font-size="13" font-weight="${selected ? 700 : 600}" ${attrs(`share.${r.channel}`, r.share)}>${esc(fmt.pct(r.share))}</text>
        <text x="${width}" y="${y + 17}" text-anchor="end" font-size="12" class="muted">${esc(fmt.int(r.sessions))}</text></g>`;
    });
    svg += '</svg>';
    let text;
    if (s.channel === 'Total') {
      const top = rows[0];
      text = top ? `<p class="note">${esc(top.channel)} brings the most visits (${esc(fmt.pct(top.share))}). Right-hand numbers are visits.</p>` : '';
    } else {
      const r = rows.find(x => x.channel === s.channel);
      text = r
        ? `<p class="note"><strong>${esc(r.channel)}</strong>: ${fig('share.selected', r.share, fmt.pct(r.share))} of visits (${esc(fmt.int(r.sessions))} of ${esc(fmt.int(r.total_sessions))}), ${signed('share.selected_change', r.share_change, 'pp').html} against the previous month.</p>`
        : `<p class="note">${esc(s.channel)} brings no site visits (its opportunities come from outside the website).</p>`;
    }
    setHtml('share-body', svg + text + shareByMonth(s));
  }

  // Every month's session share as a 100% stacked column, channels in filter order, the chosen month outlined.
  function shareByMonth(s) {
    const names = channelNames.filter(c => D.session_share.some(r => r.channel === c));
    const width = 380, height = 170, left = 34, top = 8, bottom = 22;
    const plotH = height - top - bottom;
    const colW = (width - left) / Math.max(1, months.length);
    const dim = s.channel !== 'Total';
    let svg = `<p class="chart-title chart-gap">Share of site visits by month</p>
      <svg viewBox="0 0 ${width} ${height}" width="${width}" role="img" aria-label="Session share by channel for every month">`;
    for (const v of [0, 0.5, 1]) {
      const y = top + plotH - v * plotH;
      svg += `<text x="${left - 6}" y="${y + 4}" text-anchor="end" font-size="11" class="muted">${v * 100}%</text>`;
    }
    months.forEach((m, i) => {
      const x = left + i * colW + 3;
      let y = top + plotH;
      for (const c of names) {
        const r = D.session_share.find(q => q.channel === c && q.month === m.month);
        const h = (r && isNum(r.share) ? r.share : 0) * plotH;
        if (h <= 0) continue;
        y -= h;
        const opacity = dim && c !== s.channel ? 0.3 : 1;
        svg += `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(colW - 6).toFixed(1)}" height="${h.toFixed(1)}" fill="${channelColour(c)}" opacity="${opacity}"><title>${esc(c)}, ${esc(monthLabel(m.month))}: ${esc(fmt.pct(r.share))}</title></rect>`;
      }
      const selected = m.month === s.month;
      if (selected) svg += `<rect x="${(x - 2).toFixed(1)}" y="${top - 2}" width="${(colW - 2).toFixed(1)}" height="${plotH + 4}" fill="none" stroke="#1c2733" stroke-width="2" rx="2"/>`;
      svg += `<text x="${(x + (colW - 6) / 2).toFixed(1)}" y="${height - 6}" text-anchor="middle" font-size="11" font-weight="${selected ? 700 : 400}">${esc(MONTHS[+m.month.slice(5, 7) - 1])}</text>`;
    });
    return svg + '</svg>';
  }

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
    const width = 300, rowHeight = 28, labelWidth = 84, barMax = 150;
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
    const width = 600, height = 250, left = 58, right = 8, top = 26, bottom = 30;
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
    const width = 640, rowHeight = 34, labelWidth = 150, barW = 380;
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
    setHtml('icp-body', svg + '<p class="note">Right-hand figure: share of the opportunities from tier A/B accounts (ideal customers). Tiers: A fit ≥ 75, B ≥ 50, C ≥ 25, D below.</p>');
  }

  const MODEL_NAMES = { 'opportunity-scoring': 'Opportunity scoring', 'icp': 'Ideal customer profile (ICP)' };

  function renderModels() {
    const run = (D.score_run || [])[0];
    $('models-sub').textContent = 'Active versions in the model registry, with their headline holdout metrics';
    if (!DATA.models.length) { setHtml('models-body', `<p class="notice">${esc(DATA.models_note || 'no active models')}</p>`); return; }
    const order = name => Object.keys(MODEL_NAMES).indexOf(name) < 0 ? 99 : Object.keys(MODEL_NAMES).indexOf(name);
    const cards = DATA.models.slice().sort((a, b) => order(a.model) - order(b.model)).map(m => {
      const scoredWith = run ? (m.model === run.opportunity_model ? run.opportunity_model_version : m.model === run.icp_model ? run.icp_model_version : null) : null;
      const stale = scoredWith && scoredWith !== m.version
        ? `<p class="note warn">The scores shown were written by ${esc(scoredWith)}; run <code>gtm score</code> to use ${esc(m.version)}.</p>` : '';
      const warnings = m.warnings.length
        ? `<ul class="warnings">${m.warnings.slice(0, 2).map(w => `<li>${esc(w)}</li>`).join('')}${m.warnings.length > 2 ? `<li>and ${m.warnings.length - 2} more (gtm models show ${esc(m.model)})</li>` : ''}</ul>` : '';
      const counts = m.row_counts.map(([k, v]) => `${esc(k.replace(/_/g, ' '))} ${esc(v)}`).join(' · ');
      return `<div class="model" data-model="${esc(m.model)}"><h3>${esc(MODEL_NAMES[m.model] || m.model)} <span class="meta">${esc(m.model)} ${esc(m.version)}</span></h3>
        <div class="meta">${esc(m.algorithm)} · trained ${esc(stampLabel(m.created_at))} UTC${m.source_build_id !== null ? ' on build #' + esc(m.source_build_id) : ''}</div>
        <dl class="kv">${m.headline.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd ${attrs(`model.${m.model}.${k}`, v)}>${esc(v)}</dd></div>`).join('')}</dl>
        <div class="meta" style="margin-top:6px">${counts}</div>${stale}${warnings}</div>`;
    }).join('');
    setHtml('models-body', `<div class="models">${cards}</div>`);
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
      <th scope="col">Best win prob.</th><th scope="col">Priority</th><th scope="col" class="text">Why it fits (ICP model)</th></tr>`;
    const body = rows.map(r => `<tr data-account-id="${esc(r.account_id)}">
      <td>${esc(r.position)}</td>
      <td class="text"><span class="who">${esc(r.account_name || r.account_id)}</span><span class="who-sub">${esc(r.account_id)}${r.industry ? ' · ' + esc(r.industry) : ''} · ${esc(r.segment)}</span></td>
      <td>${tierBadge(r.tier)}</td>
      <td>${fig(`accounts.${r.position}.fit_score`, r.fit_score, fmt.score(r.fit_score))}</td>
      <td>${fig(`accounts.${r.position}.open_pipeline_usd`, r.open_pipeline_usd, fmt.usd(r.open_pipeline_usd))}<span class="who-sub">${esc(fmt.int(r.open_opportunities))} open</span></td>
      <td>${fig(`accounts.${r.position}.best_win_probability`, r.best_win_probability, fmt.pct(r.best_win_probability))}<span class="who-sub">${esc(r.best_opportunity_id)}</span></td>
      <td>${fig(`accounts.${r.position}.priority_score`, r.priority_score, fmt.usd(r.priority_score))}</td>
      <td class="text">${reasons(r.top_factors, 3)}</td></tr>`).join('');
    setHtml('accounts-body', `<table class="top-aligned"><thead>${head}</thead><tbody>${body}</tbody></table>`);
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
      <th scope="col">Created</th><th scope="col">Pipeline</th><th scope="col">Score</th><th scope="col">Win prob.</th><th scope="col">Expected value</th><th scope="col" class="text">Top reasons (opportunity model)</th></tr>`;
    const body = rows.map(r => {
      let factors = [];
      try { factors = JSON.parse(r.top_factors || '[]'); } catch (e) { factors = []; }
      const top = factors.filter(f => f.direction === '+').slice(0, 2).concat(factors.filter(f => f.direction !== '+').slice(0, 1));
      return `<tr data-opportunity-id="${esc(r.opportunity_id)}">
        <td>${esc(r.position)}</td>
        <td class="text"><span class="who">${esc(r.account_name || r.account_id)}</span><span class="who-sub">${esc(r.opportunity_id)} · ${esc(r.account_id)}</span></td>
        <td>${tierBadge(r.tier)}</td>
        <td class="text nowrap"><span class="swatch" style="background:${channelColour(r.channel)}"></span>${esc(r.channel)}</td>
        <td class="text">${esc(r.stage)}</td>
        <td class="nowrap">${esc(dayLabel(r.created_date))}</td>
        <td>${fig(`opportunities.${r.position}.pipeline_amount_usd`, r.pipeline_amount_usd, fmt.usd(r.pipeline_amount_usd))}</td>
        <td class="nowrap"><span class="scorebar" aria-hidden="true"><span style="width:${Math.max(0, Math.min(99, r.score || 0))}%"></span></span>${fig(`opportunities.${r.position}.score`, r.score, fmt.score(r.score))}</td>
        <td>${fig(`opportunities.${r.position}.probability`, r.probability, fmt.pct(r.probability))}</td>
        <td>${fig(`opportunities.${r.position}.expected_value_usd`, r.expected_value_usd, fmt.usd(r.expected_value_usd))}</td>
        <td class="text">${reasons(JSON.stringify(top))}</td></tr>`;
    }).join('');
    setHtml('opportunities-body', `<table class="top-aligned"><thead>${head}</thead><tbody>${body}</tbody></table>`);
  }

  // ---- wiring -----------------------------------------------------------------------------------------------
  let renders = 0;
  function render() {
    const s = state();
    renderStamps(s);
    renderFunnel(s);
    renderMom(s);
    renderShare(s);
    renderEfficiency(s);
    renderPaid(s);
    renderIcp(s);
    renderModels();
    renderAccounts(s);
    renderOpportunities(s);
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
  render();
})();
