// Login: name and password, then back to the page that asked for it.
import { ApiError } from '../api';
import { errorText, flash, navigate, resetCaches } from '../app';
import { field, h } from '../dom';
import { login } from '../session';

export default function loginPage(main: HTMLElement, params: URLSearchParams): void {
  const name = h('input', { type: 'text', name: 'username', autocomplete: 'username', required: true, autocapitalize: 'off', spellcheck: 'false' });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const err = h('p', { class: 'error', id: 'login-error', hidden: true, role: 'alert' });
  const form = h('form', { class: 'login-form', 'aria-describedby': 'login-error' }, err, field('Name', name), field('Password', password), h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Log in')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.hidden = true;
    if (!name.value || !password.value) {
      err.textContent = 'Enter your name and password.';
      err.hidden = false;
      (name.value ? password : name).focus();
      return;
    }
    try {
      await login(name.value, password.value);
      resetCaches();
      const next = params.get('next');
      flash(`Logged in as ${name.value}.`);
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', true);
    } catch (e) {
      err.textContent = e instanceof ApiError && e.status === 401 ? 'Wrong name or password.' : errorText(e);
      err.hidden = false;
      password.value = '';
      password.focus();
    }
  });
  main.append(h('div', { class: 'login' }, h('h1', null, 'Log in to Mara'), form));
  queueMicrotask(() => name.focus());
}
