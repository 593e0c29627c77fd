// GTM dashboard script, part 5 of 8: "Are the scores right?" Realized accuracy of past runs (AUC with its interval
// against the model card's cross-validation interval), win rate by score band against the predicted probability
// (calibration), drift of the latest run against the training reference, and the biggest score changes since the
// previous run with the reason families that moved. Not filtered by month or channel: it is about runs.
const LIFECYCLE_MODEL = 'opportunity-scoring';
const READINGS = {
  stable: { label: '● stable', cls: 'flat' },
  moderate: { label: '▲ moderate', cls: 'weak' },
  significant: { label: '▲▲ significant', cls: 'bad' },
};
const familyLabel = f => String(f).replace(/_/g, ' ');
const auc3 = v => isNum(v) ? v.toFixed(3) : DASH;

function lifecycleMissing(name) {
  return `<p class="notice">${esc(DATA.unavailable[name] || 'not available')}</p>`;
}

// Realized AUC by run (oldest first), with its 95% interval, over the card's CV interval of the active version.
function aucOverRuns() {
  const title = '<p class="chart-title">Realized AUC by run (win probabilities against the deals closed since)</p>';
  if (unavailable('model_performance')) return title + lifecycleMissing('model_performance');
  const runs = D.model_performance.filter(r => r.model_name === LIFECYCLE_MODEL);
  const judged = runs.filter(r => isNum(r.realized_auc));
  if (!judged.length) {
    return title + `<p class="notice" data-figure="lifecycle.auc.status" data-value="none">No deal scored by a past run has both won and lost since: the realized AUC appears once scored deals close (load the later export and build).</p>`;
  }
  const active = DATA.models.find(m => m.model === LIFECYCLE_MODEL);
  const cv = active && active.cv_auc;
  const width = 560, height = 190, left = 40, right = 10, top = 10, bottom = 34;
  const lo = 0.4, hi = 1.0;
  const y = v => top + (hi - Math.max(lo, Math.min(hi, v))) / (hi - lo) * (height - top - bottom);
  const step = (width - left - right) / Math.max(1, judged.length);
  let svg = `<svg viewBox="0 0 ${width} ${height}" width="${width}" role="img" aria-label="Realized AUC by scoring run">`;
  for (const v of [0.5, 0.6, 0.7, 0.8, 0.9, 1.0]) {
    svg += `<line class="grid-line" x1="${left}" x2="${width - right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}"/><text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11" class="muted">${v.toFixed(1)}</text>`;
  }
  if (cv) {
    svg += `<rect x="${left}" y="${y(cv.upper).toFixed(1)}" width="${width - left - right}" height="${Math.max(1, y(cv.lower) - y(cv.upper)).toFixed(1)}" fill="#56B4E9" opacity="0.22"><title>CV AUC of ${esc(active.version)}: ${esc(auc3(cv.mean))} [${esc(auc3(cv.lower))}–${esc(auc3(cv.upper))}]</title></rect>`;
  }
  svg += `<line x1="${left}" x2="${width - right}" y1="${y(0.5).toFixed(1)}" y2="${y(0.5).toFixed(1)}" stroke="#9aa5b1" stroke-dasharray="4 3"/>`;
  judged.forEach((r, i) => {
    const x = left + step * (i + 0.5);
    const below = cv && r.realized_auc < cv.lower;
    const colour = below ? '#D55E00' : '#0072B2';
    svg += `<g data-run="${esc(r.run_id)}"><line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${y(r.realized_auc_high).toFixed(1)}" y2="${y(r.realized_auc_low).toFixed(1)}" stroke="${colour}" stroke-width="2"/>
      <circle cx="${x.toFixed(1)}" cy="${y(r.realized_auc).toFixed(1)}" r="5" fill="${colour}"><title>${esc(r.run_id)} (${esc(r.model_version)}): AUC ${esc(auc3(r.realized_auc))} [${esc(auc3(r.realized_auc_low))}–${esc(auc3(r.realized_auc_high))}] on ${esc(fmt.int(r.closed_since))} deals closed since</title></circle>
      <text x="${x.toFixed(1)}" y="${(y(r.realized_auc) - 9).toFixed(1)}" text-anchor="middle" font-size="11" font-weight="600" ${attrs(`lifecycle.auc.${r.run_id}`, r.realized_auc)}>${esc(auc3(r.realized_auc))}${below ? ' ▼' : ''}</text>
      <text x="${x.toFixed(1)}" y="${height - 18}" text-anchor="middle" font-size="11">${esc(dayLabel(r.scored_at))}</text>
      <text x="${x.toFixed(1)}" y="${height - 5}" text-anchor="middle" font-size="10" class="muted">${esc(r.model_version)} · ${esc(fmt.int(r.closed_since))} closed</text></g>`;
  });
  svg += '</svg>';
  const latest = judged[judged.length - 1];
  const verdict = cv
    ? latest.realized_auc < cv.lower
      ? `<p class="note warn">▼ The latest judged run's realized AUC (${esc(auc3(latest.realized_auc))}) is below ${esc(active.version)}'s CV interval (${esc(auc3(cv.lower))}–${esc(auc3(cv.upper))}): retraining is recommended (<code>gtm monitor</code>).</p>`
      : `<p class="note">The shaded band is ${esc(active.version)}'s cross-validation AUC interval (${esc(auc3(cv.lower))}–${esc(auc3(cv.upper))}); a run below it is marked ▼. The dashed line is chance (0.5).</p>`
    : '<p class="note">The active version has no cross-validation interval (a baseline); the dashed line is chance (0.5).</p>';
  return title + svg + verdict;
}

// Win rate by score band against the mean predicted probability, for the run with the most deals closed since.
function calibration() {
  const title = '<p class="chart-title">Win rate by score band against the predicted probability</p>';
  if (unavailable('score_bands')) return title + lifecycleMissing('score_bands');
  const rows = D.score_bands.filter(r => r.model_name === LIFECYCLE_MODEL);
  const closedByRun = {};
  rows.forEach(r => { closedByRun[r.run_id] = (closedByRun[r.run_id] || 0) + (r.closed_since || 0); });
  const best = Object.keys(closedByRun).filter(k => closedByRun[k] > 0).sort((a, b) => closedByRun[b] - closedByRun[a] || (a < b ? 1 : -1))[0];
  if (!best) return title + '<p class="notice">No deal scored by a past run has closed yet.</p>';
  const bands = rows.filter(r => r.run_id === best).sort((a, b) => a.band - b.band);
  const width = 560, height = 200, left = 40, right = 10, top = 10, bottom = 36;
  const plotH = height - top - bottom;
  const colW = (width - left - right) / 10;
  const y = v => top + (1 - v) * plotH;
  let svg = `<div class="legend"><span><span class="swatch" style="background:#0072B2"></span>realized win rate</span><span>◆ mean predicted probability</span></div>
    <svg viewBox="0 0 ${width} ${height}" width="${width}" role="img" aria-label="Calibration: realized win rate and predicted probability by score band, run ${esc(best)}">`;
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    svg += `<line class="grid-line" x1="${left}" x2="${width - right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}"/><text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11" class="muted">${v * 100}%</text>`;
  }
  bands.forEach((r, i) => {
    const x = left + i * colW;
    const label = `${r.score_from}–${r.score_to}`;
    if (isNum(r.win_rate)) {
      svg += `<rect x="${(x + 6).toFixed(1)}" y="${y(r.win_rate).toFixed(1)}" width="${(colW - 12).toFixed(1)}" height="${Math.max(1, r.win_rate * plotH).toFixed(1)}" fill="#0072B2" ${attrs(`lifecycle.band.${r.band}.win_rate`, r.win_rate)}><title>scores ${esc(label)}: won ${esc(fmt.int(r.won_since))} of ${esc(fmt.int(r.closed_since))} closed (${esc(fmt.pct(r.win_rate))}); predicted ${esc(fmt.pct(r.mean_probability))}</title></rect>`;
    }
    if (isNum(r.mean_probability)) {
      const cx = x + colW / 2, cy = y(r.mean_probability);
      svg += `<path d="M ${cx.toFixed(1)} ${(cy - 6).toFixed(1)} L ${(cx + 6).toFixed(1)} ${cy.toFixed(1)} L ${cx.toFixed(1)} ${(cy + 6).toFixed(1)} L ${(cx - 6).toFixed(1)} ${cy.toFixed(1)} Z" fill="#E69F00" stroke="#1c2733" stroke-width="1" ${attrs(`lifecycle.band.${r.band}.mean_probability`, r.mean_probability)}><title>scores ${esc(label)}: mean predicted ${esc(fmt.pct(r.mean_probability))}</title></path>`;
    }
    svg += `<text x="${(x + colW / 2).toFixed(1)}" y="${height - 20}" text-anchor="middle" font-size="11">${esc(label)}</text>
      <text x="${(x + colW / 2).toFixed(1)}" y="${height - 6}" text-anchor="middle" font-size="10" class="muted" ${attrs(`lifecycle.band.${r.band}.closed`, r.closed_since)}>n=${esc(fmt.int(r.closed_since))}</text>`;
  });
  svg += '</svg>';
  const version = bands.length ? bands[0].model_version : '';
  return title + svg + `<p class="note">Run <span ${attrs('lifecycle.bands.run', best)}>${esc(best)}</span> (${esc(version)}), the run with the most deals closed since: bars are the share won of each score band's closed deals, ◆ the probability the model gave them. Bars level with their ◆ mean well-calibrated scores.</p>`;
}

// The latest run's drift per model: the score's PSI, then every flagged feature.
function driftFlags() {
  const title = '<p class="chart-title">Drift of the latest run against the training data (population stability index)</p>';
  if (unavailable('feature_drift')) return title + lifecycleMissing('feature_drift');
  if (!D.feature_drift.length) return title + '<p class="notice">The latest run measured no drift (its versions were trained before drift references were kept: retrain to keep one).</p>';
  const models = [...new Set(D.feature_drift.map(r => r.model_name))].sort();
  const body = models.map(model => {
    const rows = D.feature_drift.filter(r => r.model_name === model);
    const shown = rows.filter(r => r.kind === 'score' || r.reading !== 'stable');
    const stable = rows.filter(r => r.reading === 'stable').length;
    return shown.map((r, i) => {
      const reading = READINGS[r.reading] || { label: r.reading, cls: 'flat' };
      return `<tr${r.kind === 'score' ? ' class="total"' : ''}>${i === 0 ? `<th class="text" rowspan="${shown.length}">${esc(model)} ${esc(r.model_version)}<span class="meta"> ${esc(stable)} of ${esc(rows.length)} stable</span></th>` : ''}
        <td class="text">${esc(r.kind === 'score' ? r.feature + ' (score)' : r.feature)}</td>
        <td ${attrs(`lifecycle.drift.${model}.${r.feature}`, r.psi)}>${esc(r.psi.toFixed(3))}</td>
        <td class="text"><span class="chg ${reading.cls}" data-reading="${esc(r.reading)}">${esc(reading.label)}</span></td>
        <td>${esc(fmt.int(r.sample_size))}</td><td class="text note">${esc(r.note || '')}</td></tr>`;
    }).join('');
  }).join('');
  return title + `<table class="top-aligned"><thead><tr><th class="text">model</th><th class="text">column</th><th>PSI</th><th class="text">reading</th><th>rows</th><th class="text">note</th></tr></thead><tbody>${body}</tbody></table>
    <p class="note">Below 0.1 stable, 0.1–0.25 moderate (▲), above 0.25 significant (▲▲); stable features are counted, not listed. A score above 0.25 recommends retraining.</p>`;
}

// The biggest score changes since the previous run, with the reason families that moved most.
function scoreChanges() {
  const title = '<p class="chart-title">Biggest score changes since the previous run</p>';
  if (unavailable('score_changes')) return title + lifecycleMissing('score_changes');
  if (!D.score_changes.length) return title + '<p class="notice">No score moved since the previous run (or the latest run is the first).</p>';
  const rows = D.score_changes.filter(r => r.entity_type === 'opportunity').concat(D.score_changes.filter(r => r.entity_type !== 'opportunity'));
  const moved = r => [1, 2, 3].map(i => r[`moved_family_${i}`] ? `${familyLabel(r[`moved_family_${i}`])} ${r[`moved_contribution_${i}`] > 0 ? '+' : '−'}${Math.abs(r[`moved_contribution_${i}`]).toFixed(2)}` : null).filter(x => x);
  const body = rows.map(r => {
    const change = signedPoints(`lifecycle.change.${r.entity_type}.${r.entity_id}`, r.delta);
    const families = moved(r);
    return `<tr><td class="text">${esc(r.entity_type)}</td><td class="text"><code>${esc(r.entity_id)}</code></td>
      <td>${esc(fmt.score(r.previous_score))} → ${esc(fmt.score(r.score))}</td><td>${change}</td>
      <td class="text">${families.length ? esc(families.join(', ')) : '<span class="note">' + (r.previous_model_version !== r.model_version ? `new version ${esc(r.model_version)}` : 'no reason family moved') + '</span>'}</td></tr>`;
  }).join('');
  return title + `<table><thead><tr><th class="text">kind</th><th class="text">id</th><th>score</th><th>change</th><th class="text">reasons that moved (win log-odds)</th></tr></thead><tbody>${body}</tbody></table>`;
}

// A score change in points: ▲/▼ and the sign say the direction, the colour repeats it.
function signedPoints(key, v) {
  if (!isNum(v)) return fig(key, null, DASH, 'chg none');
  const cls = v > 0 ? 'good' : v < 0 ? 'bad' : 'flat';
  return `<span class="fig chg ${cls}" ${attrs(key, v)}>${v > 0 ? '▲ +' : v < 0 ? '▼ −' : '■ ±'}${esc(Math.abs(v).toFixed(0))}</span>`;
}

function renderLifecycle() {
  $('lifecycle-sub').textContent = 'How past scores turned out, whether today\'s population still looks like the training data, and what moved since the last run · every run, not filtered by month or channel';
  setHtml('lifecycle-body', `<div class="lifecycle">${[aucOverRuns(), calibration(), driftFlags(), scoreChanges()].map(p => `<div class="lifecycle-part">${p}</div>`).join('')}</div>`);
}
