// GTM dashboard script, part 4 of 8: "Can these scores be trusted?" The verdict on what produced each kind of score
// (the score run's ledger: model or baseline, and the promotion gate's verdict with its reason), in plain words, and the
// marks that flag scores from a model that is not trusted as good.
const MODEL_NAMES = { 'opportunity-scoring': 'Win probabilities (opportunity scoring)', 'icp': 'ICP fit and tiers' };
const SCORE_NOUNS = { 'opportunity-scoring': 'Win probabilities', 'icp': 'ICP fits and tiers' };
const VERDICTS = {
  good: { label: '✓ Good', tag: '' },
  weak: { label: '⚠ Weak: use with care', tag: '⚠ weak model' },
  no_better_than_chance: { label: '✗ No better than chance', tag: '✗ no better than chance' },
  baseline_only: { label: '≈ Baseline only, not a model', tag: '≈ baseline' },
  not_assessed: { label: '? Not assessed', tag: '? not assessed' },
  none: { label: '— No scores', tag: '' },
};

// What produced the scores of one model on this page: the latest score run's ledger when it says, else the active card.
function scoreSource(model) {
  const run = (D.score_run || [])[0];
  const side = model === 'icp' ? 'icp' : 'opportunity';
  const active = DATA.models.find(m => m.model === model);
  if (run && run[`${side}_model_kind`]) {
    const kind = run[`${side}_model_kind`];
    return { version: run[`${side}_model_version`], kind, trust: kind === 'none' ? 'none' : run[`${side}_trust`] || 'not_assessed', reason: run[`${side}_trust_reason`] || '', active };
  }
  if (active) return { version: active.version, kind: active.kind, trust: active.trust || 'not_assessed', reason: active.trust_reason || '', active };
  return null;
}

// A mark beside a score whose model is not trusted as good ('' when it is good or there is none).
function trustTag(model) {
  const source = scoreSource(model);
  const verdict = source && VERDICTS[source.trust];
  return verdict && verdict.tag
    ? ` <span class="trust-tag trust-${esc(source.trust)}" data-trust-tag="${esc(model)}" title="${esc(source.reason)}">${esc(verdict.tag)}</span>`
    : '';
}

// One line under a table explaining its marks, or ''.
function trustNote(models) {
  return models.map(model => {
    const source = scoreSource(model);
    const verdict = source && VERDICTS[source.trust];
    return verdict && verdict.tag
      ? `<p class="note warn" data-trust-note="${esc(model)}">${esc(verdict.tag)}: ${esc(SCORE_NOUNS[model] || model)} come from ${esc(model)} ${esc(source.version)}. ${esc(source.reason)}</p>`
      : '';
  }).join('');
}

function renderModels() {
  $('models-sub').textContent = 'What produced the scores on this page, and how far to rely on them';
  const names = Object.keys(MODEL_NAMES);
  const sides = names.map(name => ({ name, source: scoreSource(name) })).filter(s => s.source);
  if (!sides.length) { setHtml('models-body', `<p class="notice">${esc(DATA.models_note || 'no active models')}</p>`); return; }
  const run = (D.score_run || [])[0];
  const blocks = sides.map(({ name, source }) => {
    const m = source.active;
    const verdict = VERDICTS[source.trust] || VERDICTS.not_assessed;
    const stale = run && m && source.version && source.version !== m.version
      ? `<p class="note warn">These scores were written by ${esc(source.version)}; the active version is now ${esc(m.version)}: run <code>gtm score</code> to use it.</p>` : '';
    const otherBuild = run && m && source.version === m.version && m.source_build_id !== null && run.feature_build_id !== m.source_build_id
      ? `<p class="note">Trained on build #${esc(m.source_build_id)}; these scores are for build #${esc(run.feature_build_id)}.</p>` : '';
    const details = m ? `${otherBuild}<div class="meta">${esc(m.algorithm)} · trained ${esc(stampLabel(m.created_at))} UTC${m.source_build_id !== null ? ' on build #' + esc(m.source_build_id) : ''}</div>
      <dl class="kv">${m.headline.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd ${attrs(`model.${m.model}.${k}`, v)}>${esc(v)}</dd></div>`).join('')}</dl>
      <div class="meta" style="margin-top:6px">${m.row_counts.map(([k, v]) => `${esc(k.replace(/_/g, ' '))} ${esc(v)}`).join(' · ')}</div>` : '';
    const warnings = m && m.warnings.length
      ? `<ul class="warnings">${m.warnings.slice(0, 2).map(w => `<li>${esc(w)}</li>`).join('')}${m.warnings.length > 2 ? `<li>and ${m.warnings.length - 2} more (gtm models show ${esc(m.model)})</li>` : ''}</ul>` : '';
    return `<div class="model" data-model="${esc(name)}" data-trust="${esc(source.trust)}"><h3>${esc(MODEL_NAMES[name])} <span class="meta">${esc(name)} ${esc(source.version || '')}</span></h3>
      <p class="verdict verdict-${esc(source.trust)}"><span class="verdict-label" data-figure="trust.${esc(name)}" data-value="${esc(source.trust)}">${esc(verdict.label)}</span>
      <span class="verdict-reason">${esc(source.reason)}</span></p>${stale}${details}${warnings}</div>`;
  }).join('');
  setHtml('models-body', `<div class="models">${blocks}</div>`);
}
