// Users and roles (admins): the principals (GET /users), a new one (POST
// /users), and one principal's page: roles and situations granted or
// revoked (POST /users/{name}/assignment) and the account disabled or
// enabled (PUT /users/{name}/disabled). Monitor and analyst act only in
// their situations; the other roles everywhere. Every change ends the
// principal's logins and revokes its API tokens (the server's rule).
import { call, enc, get } from '../api';
import { flash, navigate, situations, type Situation } from '../app';
import { Badge, Card, humanize } from '../components/common';
import { CheckboxGroup, checkedIn, Field, useRefusals, when } from '../components/forms';
import { DataTable } from '../components/table';
import { t } from '../i18n';
import { definePage } from '../page';
import { me } from '../session';

interface User {
  name: string;
  roles: string[];
  situations: string[];
  disabled: boolean;
  has_password: boolean;
  created_at: string;
}

// The roles, in the order of the forms.
export const ROLES = ['viewer', 'monitor', 'analyst', 'reviewer', 'decision_maker', 'admin'];

// The roles as checkbox options: each with what it may do.
const roleChoices = (roles: string[]): Array<[string, string]> => roles.map((r) => [r, t(`users.role.${r}`)]);

const roleWords = (roles: string[]) => (roles.length ? roles.map(humanize).join(', ') : t('users.none'));

function NewUserForm({ sits }: { sits: Situation[] }) {
  const refusals = useRefusals();
  const submit = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    refusals.clear();
    const data = new FormData(form);
    const name = String(data.get('name') ?? '').trim();
    const password = String(data.get('new-password') ?? '');
    const roles = checkedIn(form, 'roles');
    if (!name) return refusals.set(form, '/name', t('users.nameRequired'));
    if (password.length < 12) return refusals.set(form, '/password', t('users.passwordTooShort'));
    if (roles.length === 0) return refusals.set(form, '/roles', t('users.rolesRequired'));
    try {
      await call('POST', '/users', { name, password, roles, situations: checkedIn(form, 'situations') });
      flash(t('users.userCreated', { name }));
      navigate(`/users/${enc(name)}`);
    } catch (e) {
      refusals.refuse(form, e, t('users.notCreated'));
    }
  };
  return (
    <form noValidate aria-label={t('users.newUser')} onSubmit={submit}>
      <div class="grid-form">
        <Field label={t('users.name')} pointer="/name" refusals={refusals} hint={t('users.nameHint')}>
          <input type="text" name="name" required autocomplete="off" autocapitalize="off" spellcheck={false} maxLength={64} />
        </Field>
        <Field label={t('users.password')} pointer="/password" refusals={refusals} hint={t('users.passwordHint')}>
          <input type="password" name="new-password" required autocomplete="new-password" minLength={12} />
        </Field>
      </div>
      <CheckboxGroup legend={t('users.roles')} name="roles" options={roleChoices(ROLES)} chosen={[]} pointer="/roles" required refusals={refusals} />
      <CheckboxGroup legend={t('users.situations')} name="situations" options={sits.map((s): [string, string] => [s.id, s.name])} chosen={[]} pointer="/situations" refusals={refusals} />
      <p class="hint">{t('users.situationsHint')}</p>
      <div class="actions">
        <button type="submit">{t('users.createUser')}</button>
      </div>
    </form>
  );
}

export const userList = definePage({
  load: async () => {
    const [users, sits] = await Promise.all([get<{ items: User[] }>('/users'), situations()]);
    return { users: users.items, sits };
  },
  View: ({ data: { users, sits } }) => {
    const sitName = new Map(sits.map((s) => [s.id, s.name]));
    const columns = [t('users.name'), t('users.roles'), t('users.situations'), t('users.state'), t('users.created')];
    return (
      <>
        <h1>{t('users.title')}</h1>
        <section aria-labelledby="users-h">
          <h2 id="users-h">{t('users.users')}</h2>
          <DataTable
            headers={columns}
            rows={users.map((u) => [
              <a href={`/users/${enc(u.name)}`}>{u.name}</a>,
              roleWords(u.roles),
              u.situations.map((s) => sitName.get(s) ?? s).join(', '),
              <Badge status={u.disabled ? 'disabled' : 'active'} />,
              when(u.created_at),
            ])}
            caption={t('users.users')}
            empty={t('users.noUsers')}
            rowKeys={users.map((u) => u.name)}
          />
        </section>
        <Card id="new-h" title={t('users.createAUser')}>
          <NewUserForm sits={sits} />
        </Card>
      </>
    );
  },
});

interface AssignmentProps {
  user: User;
  action: 'grant' | 'revoke';
  roleOptions: Array<[string, string]>;
  sitOptions: Array<[string, string]>;
}

// A grant or revoke form over the roles and situations it may change.
function AssignmentForm({ user, action, roleOptions, sitOptions }: AssignmentProps) {
  const refusals = useRefusals();
  if (!roleOptions.length && !sitOptions.length) return <p>{action === 'grant' ? t('users.allGranted') : t('users.nothingToRevoke')}</p>;
  const grant = action === 'grant';
  const submit = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    refusals.clear();
    const r = checkedIn(form, `${action}-roles`);
    const s = checkedIn(form, `${action}-situations`);
    if (r.length === 0 && s.length === 0) return refusals.set(form, roleOptions.length ? '/roles' : '/situations', grant ? t('users.chooseToGrant') : t('users.chooseToRevoke'));
    try {
      await call('POST', `/users/${enc(user.name)}/assignment`, { action, roles: r, situations: s });
      const items = [...r.map(humanize), ...s].join(', ');
      flash(t(grant ? 'users.granted' : 'users.revoked', { user: user.name, items }));
      navigate(`/users/${enc(user.name)}`, true);
    } catch (e) {
      refusals.refuse(form, e, grant ? t('users.notGranted') : t('users.notRevoked'));
    }
  };
  return (
    <form noValidate aria-label={grant ? t('users.grantForm') : t('users.revokeForm')} onSubmit={submit}>
      {roleOptions.length ? <CheckboxGroup legend={grant ? t('users.rolesToGrant') : t('users.rolesToRevoke')} name={`${action}-roles`} options={roleOptions} chosen={[]} pointer="/roles" refusals={refusals} /> : null}
      {sitOptions.length ? <CheckboxGroup legend={grant ? t('users.situationsToGrant') : t('users.situationsToRevoke')} name={`${action}-situations`} options={sitOptions} chosen={[]} pointer="/situations" refusals={refusals} /> : null}
      <div class="actions">
        <button type="submit">{grant ? t('users.grant') : t('users.revoke')}</button>
      </div>
    </form>
  );
}

// Disabling or enabling the account (never one's own).
function AccessForm({ user }: { user: User }) {
  const refusals = useRefusals();
  const toggle = async (ev: MouseEvent) => {
    const form = (ev.currentTarget as HTMLElement).closest('form')!;
    try {
      await call('PUT', `/users/${enc(user.name)}/disabled`, { disabled: !user.disabled });
      flash(t(user.disabled ? 'users.enabled' : 'users.disabled', { user: user.name }));
      navigate(`/users/${enc(user.name)}`, true);
    } catch (e) {
      refusals.refuse(form, e, t('users.notChanged'));
    }
  };
  return (
    <form noValidate aria-label={user.disabled ? t('users.enableForm') : t('users.disableForm')}>
      <p>{user.disabled ? t('users.isDisabled') : t('users.disablingEnds')}</p>
      <div class="actions">
        <button type="button" class={user.disabled ? '' : 'danger'} onClick={toggle}>
          {user.disabled ? t('users.enableAccount') : t('users.disableAccount')}
        </button>
      </div>
    </form>
  );
}

export const userDetail = definePage({
  load: async ({ route }) => {
    const [users, sits] = await Promise.all([get<{ items: User[] }>('/users'), situations()]);
    return { name: route.id, user: users.items.find((u) => u.name === route.id), sits };
  },
  View: ({ data: { name, user, sits } }) => {
    if (!user)
      return (
        <>
          <h1>{t('users.notFound')}</h1>
          <p>{t('users.noUser', { name })}</p>
          <p>
            <a href="/users">{t('users.backToUsers')}</a>
          </p>
        </>
      );
    const sitName = new Map(sits.map((s) => [s.id, s.name]));
    const self = me()?.name === user.name;
    return (
      <>
        <h1>{t('users.user', { name: user.name })}</h1>
        <p>
          <a href="/users">{t('users.allUsers')}</a>
        </p>
        <Card id="now-h" title={t('users.rolesAndSituations')}>
          <dl class="facts">
            <dt>{t('users.roles')}</dt>
            <dd>{roleWords(user.roles)}</dd>
            <dt>{t('users.situations')}</dt>
            <dd>{user.situations.length ? user.situations.map((s) => sitName.get(s) ?? s).join(', ') : t('users.none')}</dd>
            <dt>{t('users.state')}</dt>
            <dd>
              <Badge status={user.disabled ? 'disabled' : 'active'} />
            </dd>
            <dt>{t('users.created')}</dt>
            <dd>{when(user.created_at)}</dd>
          </dl>
          <p class="hint">{t('users.changeEnds')}</p>
        </Card>
        <Card id="grant-h" title={t('users.grant')}>
          <AssignmentForm
            user={user}
            action="grant"
            roleOptions={roleChoices(ROLES.filter((r) => !user.roles.includes(r)))}
            sitOptions={sits.filter((s) => !user.situations.includes(s.id)).map((s): [string, string] => [s.id, s.name])}
          />
        </Card>
        <Card id="revoke-h" title={t('users.revoke')}>
          <AssignmentForm user={user} action="revoke" roleOptions={roleChoices(ROLES.filter((r) => user.roles.includes(r)))} sitOptions={user.situations.map((s): [string, string] => [s, sitName.get(s) ?? s])} />
        </Card>
        <Card id="acc-h" title={t('users.access')}>
          {self ? <p>{t('users.ownAccount')}</p> : <AccessForm user={user} />}
        </Card>
      </>
    );
  },
});
