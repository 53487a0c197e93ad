// My account: one's own password (the current one required; PUT
// /account/password, which ends every login of the account, so the page
// logs out after it) and one's own API tokens for scripts: the list (GET
// /tokens), a new one (POST /tokens), shown once, and revocation (DELETE
// /tokens/{id}).
import { call, enc, get } from '../api';
import { announce, flash, navigate, resetCaches } from '../app';
import { field, h, table } from '../dom';
import { clearErrors, setError, showError, when } from '../form_fields';
import { forget, me } from '../session';

interface Token {
  id: string;
  issued_at?: string;
  expires_at: number;
  revoked: boolean;
}

function passwordForm(): HTMLElement {
  const current = h('input', { type: 'password', name: 'current-password', required: true, autocomplete: 'current-password', 'data-pointer': '/current_password' });
  const next = h('input', { type: 'password', name: 'new-password', required: true, autocomplete: 'new-password', minlength: '12', 'data-pointer': '/new_password' });
  const again = h('input', { type: 'password', name: 'repeat-password', required: true, autocomplete: 'new-password', 'data-pointer': 'repeat' });
  const form = h(
    'form',
    { novalidate: true },
    field('Current password', current),
    field('New password', next, 'At least 12 characters.'),
    field('Repeat the new password', again),
    h('p', { class: 'hint' }, 'Changing it logs you out everywhere and revokes your API tokens.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Change password')),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!current.value) return setError(current, 'Current password: enter the password you use now.');
    if (next.value.length < 12) return setError(next, 'New password: at least 12 characters.');
    if (again.value !== next.value) return setError(again, 'Repeat the new password: it does not match the new password.');
    try {
      await call('PUT', '/account/password', { current_password: current.value, new_password: next.value });
    } catch (e) {
      current.value = '';
      showError(form, e, 'Not changed');
      return;
    }
    // The change ended this login too.
    forget();
    resetCaches();
    flash('Your password is changed. Log in with the new one.');
    navigate('/login', true);
  });
  return form;
}

async function tokenSection(): Promise<HTMLElement> {
  const sec = h('section', { class: 'card', 'aria-labelledby': 'tok-h' }, h('h2', { id: 'tok-h' }, 'API tokens'));
  const listHolder = h('div');
  const shown = h('div', { class: 'token-once', hidden: true, role: 'region', 'aria-label': 'Your new token', tabindex: '-1' });
  const load = async () => {
    const r = await get<{ items: Token[] }>('/tokens');
    const rows = r.items.map((t) => {
      const expired = t.expires_at * 1000 <= Date.now();
      const state = t.revoked ? 'revoked' : expired ? 'expired' : 'active';
      const revoke = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Revoke token ${t.id}` }, 'Revoke');
      revoke.addEventListener('click', async () => {
        try {
          await call('DELETE', `/tokens/${enc(t.id)}`);
          announce(`Token ${t.id} revoked.`, 'success');
          await load();
        } catch (e) {
          showError(sec, e, 'Not revoked');
        }
      });
      return [h('code', null, t.id), when(t.issued_at), when(t.expires_at), state, state === 'active' ? revoke : ''];
    });
    listHolder.replaceChildren(table(['Token', 'Issued', 'Expires', 'State', 'Action'], rows, 'Your API tokens', undefined, { empty: 'You have no API tokens.' }));
  };
  await load();
  const days = h('input', { type: 'number', name: 'days', required: true, min: '1', max: '365', value: '90', inputmode: 'numeric', 'data-pointer': '/days' });
  const form = h('form', { class: 'inline-form', novalidate: true, 'aria-label': 'Create an API token' }, field('Valid for (days)', days, '1 to 365.'), h('button', { type: 'submit' }, 'Create token'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const n = Number(days.value);
    if (!Number.isInteger(n) || n < 1 || n > 365) return setError(days, 'Valid for (days): enter a whole number from 1 to 365.');
    try {
      const r = await call<{ id: string; token: string; expires_at: number }>('POST', '/tokens', { days: n });
      const value = h('input', { type: 'text', readonly: true, value: r.data.token, id: 'new-token', class: 'token-value', spellcheck: 'false' });
      shown.replaceChildren(
        h('h3', null, 'Your new token'),
        h('p', null, 'Copy it now: it is shown only once and cannot be shown again. Send it as “Authorization: Bearer …”.'),
        field('Token', value),
        h('p', { class: 'hint' }, `Token ${r.data.id}, valid until ${when(r.data.expires_at)}.`),
      );
      shown.hidden = false;
      announce(`Token ${r.data.id} created. Copy it now: it is shown only once.`, 'success');
      await load();
      shown.focus();
      value.select();
    } catch (e) {
      showError(form, e, 'Not created');
    }
  });
  sec.append(h('p', null, 'Tokens let scripts use the API as you, with your roles. Revoke one you no longer need.'), form, shown, listHolder);
  return sec;
}

export default async function account(main: HTMLElement): Promise<void> {
  const who = me();
  main.append(
    h('h1', null, 'My account'),
    h('p', null, `Logged in as ${who?.name ?? ''}.`),
    h('section', { class: 'card', 'aria-labelledby': 'pw-h' }, h('h2', { id: 'pw-h' }, 'Change your password'), passwordForm()),
    await tokenSection(),
  );
}
