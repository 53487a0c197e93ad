// Login: name and password, then back to the page that asked for it.
import { useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { errorText, flash, navigate, resetCaches } from '../app';
import { Field } from '../components/forms';
import { t } from '../i18n';
import { definePage } from '../page';
import { login } from '../session';

export const loginPage = definePage({
  load: async () => null,
  View: ({ ctx }) => {
    const [error, setError] = useState('');
    const nameRef = useRef<HTMLInputElement>(null);
    const passwordRef = useRef<HTMLInputElement>(null);
    const submit = async (ev: SubmitEvent) => {
      ev.preventDefault();
      const name = nameRef.current!;
      const password = passwordRef.current!;
      setError('');
      if (!name.value || !password.value) {
        setError(t('login.enterBoth'));
        (name.value ? password : name).focus();
        return;
      }
      try {
        await login(name.value, password.value);
        resetCaches();
        const next = ctx.params.get('next');
        flash(t('login.loggedIn', { name: name.value }));
        navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', true);
      } catch (e) {
        setError(e instanceof ApiError && e.status === 401 ? t('login.wrong') : errorText(e));
        password.value = '';
        password.focus();
      }
    };
    return (
      <div class="login">
        <h1>{t('login.title')}</h1>
        <form class="login-form" aria-describedby="login-error" onSubmit={submit}>
          <p class="error" id="login-error" hidden={!error} role="alert">
            {error}
          </p>
          <Field label={t('login.name')}>
            <input type="text" name="username" autocomplete="username" required autocapitalize="off" spellcheck={false} ref={nameRef} />
          </Field>
          <Field label={t('login.password')}>
            <input type="password" name="password" autocomplete="current-password" required ref={passwordRef} />
          </Field>
          <div class="actions">
            <button type="submit">{t('login.submit')}</button>
          </div>
        </form>
      </div>
    );
  },
});
