// GTM dashboard script, part 2 of 8: stamps, funnel, month-over-month table and session share.
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
  const stale = (D.freshness || []).filter(f => f.status !== 'ok');
  if ((D.freshness || []).length) {
    parts.push(`<span class="${stale.some(f => f.status === 'error') ? 'warn' : ''}" data-figure="freshness.status" data-value="${stale.length ? esc(stale.map(f => f.source + ':' + f.status).join(',')) : 'ok'}">Sources: ${
      D.freshness.map(f => `${f.status === 'ok' ? '' : '⚠ '}${esc(f.source)} through ${fig('freshness.' + f.source, f.newest_date, f.newest_date ? dayLabel(f.newest_date) : 'no rows')}${f.status === 'ok' ? '' : ` (${esc(f.age_days)} days old: ${esc(f.status)})`}`).join(', ')}</span>`);
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

// A closed-won count that fell against the previous month while deals created in the month are still open has not
// finished closing: the drop is marked incomplete, with how many are still open (query still_open).
function incomplete(key, stepIndex, change, channel, month) {
  if (stepIndex !== 4 || change.cls !== 'bad') return '';
  const open = (D.still_open || []).find(r => r.channel === channel && r.month === month);
  if (!open || !(open.still_open > 0)) return '';
  return ` <span class="incomplete" ${attrs(key, open.still_open)} title="deals created this month are still open, so its closed-won count can still rise">incomplete: ${esc(fmt.int(open.still_open))} still open</span>`;
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
      <div class="step-mom">${change.html}${incomplete('funnel.incomplete.' + r.step_index, r.step_index, change, s.channel, s.month)}</div>
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
      cells += `<td class="${change.cls}"><span class="cell-value">${fig(`mom.${line.key}.count.${r.step_index}`, r.step_count, fmt.int(r.step_count))}</span><span class="cell-change">${change.html}${incomplete(`mom.${line.key}.incomplete.${r.step_index}`, r.step_index, change, line.channel, line.month)}</span></td>`;
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
  const width = chartWidth(380, 'share-body'), rowHeight = 30, labelWidth = 96, barMax = width - 190;
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
  const width = chartWidth(380, 'share-body'), height = 170, left = 34, top = 8, bottom = 22;
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
