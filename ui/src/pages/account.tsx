// My account: one's own password (the current one required; PUT
// /account/password, which ends every login of the account, so the page
// logs out after it) and one's own API tokens for scripts: the list (GET
// /tokens), a new one (POST /tokens), shown once, and revocation (DELETE
// /tokens/{id}).
import { useEffect, useRef, useState } from 'preact/hooks';
import { call, enc, get } from '../api';
import { announce, flash, navigate, resetCaches } from '../app';
import { Card } from '../components/common';
import { Field, useRefusals, when } from '../components/forms';
import { DataTable } from '../components/table';
import { t } from '../i18n';
import { definePage } from '../page';
import { forget, me } from '../session';

interface Token {
  id: string;
  issued_at?: string;
  expires_at: number;
  revoked: boolean;
}

interface NewToken {
  id: string;
  token: string;
  expires_at: number;
}

function PasswordForm() {
  const refusals = useRefusals();
  const submit = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    refusals.clear();
    const data = new FormData(form);
    const current = String(data.get('current-password') ?? '');
    const next = String(data.get('new-password') ?? '');
    if (!current) return refusals.set(form, '/current_password', t('account.currentRequired'));
    if (next.length < 12) return refusals.set(form, '/new_password', t('account.newTooShort'));
    if (data.get('repeat-password') !== next) return refusals.set(form, 'repeat', t('account.repeatMismatch'));
    try {
      await call('PUT', '/account/password', { current_password: current, new_password: next });
    } catch (e) {
      (form.elements.namedItem('current-password') as HTMLInputElement).value = '';
      refusals.refuse(form, e, t('account.notChanged'));
      return;
    }
    // The change ended this login too.
    forget();
    resetCaches();
    flash(t('account.changed'));
    navigate('/login', true);
  };
  return (
    <form noValidate onSubmit={submit}>
      <Field label={t('account.currentPassword')} pointer="/current_password" refusals={refusals}>
        <input type="password" name="current-password" required autocomplete="current-password" />
      </Field>
      <Field label={t('account.newPassword')} pointer="/new_password" refusals={refusals} hint={t('account.newPasswordHint')}>
        <input type="password" name="new-password" required autocomplete="new-password" minLength={12} />
      </Field>
      <Field label={t('account.repeatPassword')} pointer="repeat" refusals={refusals}>
        <input type="password" name="repeat-password" required autocomplete="new-password" />
      </Field>
      <p class="hint">{t('account.changeHint')}</p>
      <div class="actions">
        <button type="submit">{t('account.changePassword')}</button>
      </div>
    </form>
  );
}

// A token just created: its secret, shown this once.
function TokenOnce({ created }: { created: NewToken | null }) {
  const region = useRef<HTMLDivElement>(null);
  const value = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (!created) return;
    region.current?.focus();
    value.current?.select();
  }, [created]);
  return (
    <div class="token-once" hidden={!created} role="region" aria-label={t('account.newToken')} tabindex={-1} ref={region}>
      {created ? (
        <>
          <h3>{t('account.newToken')}</h3>
          <p>{t('account.copyOnce')}</p>
          <Field label={t('account.token')} id="new-token">
            <input type="text" readOnly value={created.token} class="token-value" spellcheck={false} ref={value} />
          </Field>
          <p class="hint">{t('account.tokenValid', { id: created.id, until: when(created.expires_at) })}</p>
        </>
      ) : null}
    </div>
  );
}

function TokenSection({ initial }: { initial: Token[] }) {
  const [tokens, setTokens] = useState(initial);
  const [created, setCreated] = useState<NewToken | null>(null);
  const refusals = useRefusals();
  const section = useRef<HTMLElement>(null);
  const reload = async () => setTokens((await get<{ items: Token[] }>('/tokens')).items);

  const revoke = async (token: Token) => {
    try {
      await call('DELETE', `/tokens/${enc(token.id)}`);
      announce(t('account.tokenRevoked', { id: token.id }), 'success');
      await reload();
    } catch (e) {
      refusals.refuse(section.current!, e, t('account.notRevoked'));
    }
  };

  const submit = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    refusals.clear();
    const n = Number(new FormData(form).get('days'));
    if (!Number.isInteger(n) || n < 1 || n > 365) return refusals.set(form, '/days', t('account.daysRange'));
    try {
      const r = await call<NewToken>('POST', '/tokens', { days: n });
      setCreated(r.data);
      announce(t('account.tokenCreated', { id: r.data.id }), 'success');
      await reload();
    } catch (e) {
      refusals.refuse(form, e, t('account.notCreated'));
    }
  };

  const rows = tokens.map((token) => {
    const expired = token.expires_at * 1000 <= Date.now();
    const state = token.revoked ? 'revoked' : expired ? 'expired' : 'active';
    return [
      <code>{token.id}</code>,
      when(token.issued_at),
      when(token.expires_at),
      t(`account.state.${state}`),
      state === 'active' ? (
        <button type="button" class="secondary small" aria-label={t('account.revokeToken', { id: token.id })} onClick={() => revoke(token)}>
          {t('account.revoke')}
        </button>
      ) : (
        ''
      ),
    ];
  });
  const columns = [t('account.token'), t('account.issued'), t('account.expires'), t('account.state'), t('account.action')];
  return (
    <section class="card" aria-labelledby="tok-h" ref={section}>
      <h2 id="tok-h">{t('account.tokens')}</h2>
      <p>{t('account.tokensIntro')}</p>
      <form class="inline-form" noValidate aria-label={t('account.createTokenForm')} onSubmit={submit}>
        <Field label={t('account.validFor')} pointer="/days" refusals={refusals} hint={t('account.validForHint')}>
          <input type="number" name="days" required min="1" max="365" defaultValue="90" inputMode="numeric" />
        </Field>
        <button type="submit">{t('account.createToken')}</button>
      </form>
      <TokenOnce created={created} />
      <div>
        <DataTable
          headers={columns}
          rows={rows}
          caption={t('account.tokensCaption')}
          empty={t('account.noTokens')}
          rowKeys={tokens.map((token) => token.id)}
        />
      </div>
    </section>
  );
}

export default definePage({
  load: async () => (await get<{ items: Token[] }>('/tokens')).items,
  View: ({ data }) => (
    <>
      <h1>{t('account.title')}</h1>
      <p>{t('account.loggedIn', { name: me()?.name ?? '' })}</p>
      <Card id="pw-h" title={t('account.changeYourPassword')}>
        <PasswordForm />
      </Card>
      <TokenSection initial={data} />
    </>
  ),
});
