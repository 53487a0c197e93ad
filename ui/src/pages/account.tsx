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
    if (!current) return refusals.set(form, '/current_password', 'Current password: enter the password you use now.');
    if (next.length < 12) return refusals.set(form, '/new_password', 'New password: at least 12 characters.');
    if (data.get('repeat-password') !== next) return refusals.set(form, 'repeat', 'Repeat the new password: it does not match the new password.');
    try {
      await call('PUT', '/account/password', { current_password: current, new_password: next });
    } catch (e) {
      (form.elements.namedItem('current-password') as HTMLInputElement).value = '';
      refusals.refuse(form, e, 'Not changed');
      return;
    }
    // The change ended this login too.
    forget();
    resetCaches();
    flash('Your password is changed. Log in with the new one.');
    navigate('/login', true);
  };
  return (
    <form noValidate onSubmit={submit}>
      <Field label="Current password" pointer="/current_password" refusals={refusals}>
        <input type="password" name="current-password" required autocomplete="current-password" />
      </Field>
      <Field label="New password" pointer="/new_password" refusals={refusals} hint="At least 12 characters.">
        <input type="password" name="new-password" required autocomplete="new-password" minLength={12} />
      </Field>
      <Field label="Repeat the new password" pointer="repeat" refusals={refusals}>
        <input type="password" name="repeat-password" required autocomplete="new-password" />
      </Field>
      <p class="hint">Changing it logs you out everywhere and revokes your API tokens.</p>
      <div class="actions">
        <button type="submit">Change password</button>
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
    <div class="token-once" hidden={!created} role="region" aria-label="Your new token" tabindex={-1} ref={region}>
      {created ? (
        <>
          <h3>Your new token</h3>
          <p>Copy it now: it is shown only once and cannot be shown again. Send it as “Authorization: Bearer …”.</p>
          <Field label="Token" id="new-token">
            <input type="text" readOnly value={created.token} class="token-value" spellcheck={false} ref={value} />
          </Field>
          <p class="hint">{`Token ${created.id}, valid until ${when(created.expires_at)}.`}</p>
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

  const revoke = async (t: Token) => {
    try {
      await call('DELETE', `/tokens/${enc(t.id)}`);
      announce(`Token ${t.id} revoked.`, 'success');
      await reload();
    } catch (e) {
      refusals.refuse(section.current!, e, 'Not revoked');
    }
  };

  const submit = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    refusals.clear();
    const n = Number(new FormData(form).get('days'));
    if (!Number.isInteger(n) || n < 1 || n > 365) return refusals.set(form, '/days', 'Valid for (days): enter a whole number from 1 to 365.');
    try {
      const r = await call<NewToken>('POST', '/tokens', { days: n });
      setCreated(r.data);
      announce(`Token ${r.data.id} created. Copy it now: it is shown only once.`, 'success');
      await reload();
    } catch (e) {
      refusals.refuse(form, e, 'Not created');
    }
  };

  const rows = tokens.map((t) => {
    const expired = t.expires_at * 1000 <= Date.now();
    const state = t.revoked ? 'revoked' : expired ? 'expired' : 'active';
    return [
      <code>{t.id}</code>,
      when(t.issued_at),
      when(t.expires_at),
      state,
      state === 'active' ? (
        <button type="button" class="secondary small" aria-label={`Revoke token ${t.id}`} onClick={() => revoke(t)}>
          Revoke
        </button>
      ) : (
        ''
      ),
    ];
  });
  return (
    <section class="card" aria-labelledby="tok-h" ref={section}>
      <h2 id="tok-h">API tokens</h2>
      <p>Tokens let scripts use the API as you, with your roles. Revoke one you no longer need.</p>
      <form class="inline-form" noValidate aria-label="Create an API token" onSubmit={submit}>
        <Field label="Valid for (days)" pointer="/days" refusals={refusals} hint="1 to 365.">
          <input type="number" name="days" required min="1" max="365" defaultValue="90" inputMode="numeric" />
        </Field>
        <button type="submit">Create token</button>
      </form>
      <TokenOnce created={created} />
      <div>
        <DataTable headers={['Token', 'Issued', 'Expires', 'State', 'Action']} rows={rows} caption="Your API tokens" empty="You have no API tokens." rowKeys={tokens.map((t) => t.id)} />
      </div>
    </section>
  );
}

export default definePage({
  load: async () => (await get<{ items: Token[] }>('/tokens')).items,
  View: ({ data }) => (
    <>
      <h1>My account</h1>
      <p>{`Logged in as ${me()?.name ?? ''}.`}</p>
      <Card id="pw-h" title="Change your password">
        <PasswordForm />
      </Card>
      <TokenSection initial={data} />
    </>
  ),
});
