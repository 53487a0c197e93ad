// The criteria of a party's assessment, met and missed, each with its rule,
// the evidence it counts, what was observed and the threshold.
import { t } from '../i18n';
import { humanize } from './common';

export interface Criterion {
  rule: string;
  threshold: unknown;
  observed: unknown;
  met: boolean;
  evidence: string;
}

function CriterionItem({ c }: { c: Criterion }) {
  return (
    <li class={c.met ? 'met' : 'missed'}>
      <span class="mark" aria-hidden="true">
        {c.met ? '✔ ' : '✘ '}
      </span>
      {t('criteria.item', { rule: humanize(c.rule), evidence: humanize(c.evidence), observed: String(c.observed), threshold: String(c.threshold) })}
    </li>
  );
}

// Two lists side by side: the criteria met and the criteria missed.
export function CriteriaLists({ criteria }: { criteria: Criterion[] }) {
  const met = criteria.filter((c) => c.met);
  const missed = criteria.filter((c) => !c.met);
  return (
    <div class="grid-2 criteria">
      <div>
        <h3>{t('criteria.met', { count: met.length })}</h3>
        <ul class="plain">
          {met.map((c, i) => (
            <CriterionItem c={c} key={i} />
          ))}
        </ul>
      </div>
      <div>
        <h3>{t('criteria.missed', { count: missed.length })}</h3>
        <ul class="plain">
          {missed.map((c, i) => (
            <CriterionItem c={c} key={i} />
          ))}
        </ul>
      </div>
    </div>
  );
}
