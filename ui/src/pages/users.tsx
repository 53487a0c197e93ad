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

export const ROLES: Array<[string, string]> = [
  ['viewer', 'Viewer: the public edition'],
  ['monitor', 'Monitor: records incidents in its situations'],
  ['analyst', 'Analyst: assessments and imports in its situations'],
  ['reviewer', 'Reviewer: verifies (four eyes)'],
  ['decision_maker', 'Decision maker: decisions and petitions'],
  ['admin', 'Admin: users, keys, audit'],
];

const roleWords = (roles: string[]) => (roles.length ? roles.map(humanize).join(', ') : 'none');

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
    if (!name) return refusals.set(form, '/name', 'Name: enter the name the person logs in with.');
    if (password.length < 12) return refusals.set(form, '/password', 'Password: at least 12 characters.');
    if (roles.length === 0) return refusals.set(form, '/roles', 'Roles: choose at least one role.');
    try {
      await call('POST', '/users', { name, password, roles, situations: checkedIn(form, 'situations') });
      flash(`User ${name} created.`);
      navigate(`/users/${enc(name)}`);
    } catch (e) {
      refusals.refuse(form, e, 'Not created');
    }
  };
  return (
    <form noValidate aria-label="New user" onSubmit={submit}>
      <div class="grid-form">
        <Field label="Name" pointer="/name" refusals={refusals} hint="Letters, digits, '.', '_' and '-'; the name used to log in.">
          <input type="text" name="name" required autocomplete="off" autocapitalize="off" spellcheck={false} maxLength={64} />
        </Field>
        <Field label="Password" pointer="/password" refusals={refusals} hint="At least 12 characters. Give it to the person by a safe way; they can change it on their account page.">
          <input type="password" name="new-password" required autocomplete="new-password" minLength={12} />
        </Field>
      </div>
      <CheckboxGroup legend="Roles" name="roles" options={ROLES} chosen={[]} pointer="/roles" required refusals={refusals} />
      <CheckboxGroup legend="Situations" name="situations" options={sits.map((s): [string, string] => [s.id, s.name])} chosen={[]} pointer="/situations" refusals={refusals} />
      <p class="hint">Monitors and analysts act only in the situations ticked here.</p>
      <div class="actions">
        <button type="submit">Create user</button>
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
    return (
      <>
        <h1>Users and roles</h1>
        <section aria-labelledby="users-h">
          <h2 id="users-h">Users</h2>
          <DataTable
            headers={['Name', 'Roles', 'Situations', 'State', 'Created']}
            rows={users.map((u) => [
              <a href={`/users/${enc(u.name)}`}>{u.name}</a>,
              roleWords(u.roles),
              u.situations.map((s) => sitName.get(s) ?? s).join(', '),
              <Badge status={u.disabled ? 'disabled' : 'active'} />,
              when(u.created_at),
            ])}
            caption="Users"
            empty="No users."
            rowKeys={users.map((u) => u.name)}
          />
        </section>
        <Card id="new-h" title="Create a user">
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
  if (!roleOptions.length && !sitOptions.length) return <p>{action === 'grant' ? 'Every role and situation is granted.' : 'Nothing to revoke.'}</p>;
  const verb = action === 'grant' ? 'Grant' : 'Revoke';
  const submit = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    refusals.clear();
    const r = checkedIn(form, `${action}-roles`);
    const s = checkedIn(form, `${action}-situations`);
    if (r.length === 0 && s.length === 0) return refusals.set(form, roleOptions.length ? '/roles' : '/situations', `Choose at least one role or situation to ${action}.`);
    try {
      await call('POST', `/users/${enc(user.name)}/assignment`, { action, roles: r, situations: s });
      flash(`${user.name}: ${[...r.map(humanize), ...s].join(', ')} ${action === 'grant' ? 'granted' : 'revoked'}.`);
      navigate(`/users/${enc(user.name)}`, true);
    } catch (e) {
      refusals.refuse(form, e, action === 'grant' ? 'Not granted' : 'Not revoked');
    }
  };
  return (
    <form noValidate aria-label={`${verb} roles and situations`} onSubmit={submit}>
      {roleOptions.length ? <CheckboxGroup legend={`Roles to ${action}`} name={`${action}-roles`} options={roleOptions} chosen={[]} pointer="/roles" refusals={refusals} /> : null}
      {sitOptions.length ? <CheckboxGroup legend={`Situations to ${action}`} name={`${action}-situations`} options={sitOptions} chosen={[]} pointer="/situations" refusals={refusals} /> : null}
      <div class="actions">
        <button type="submit">{verb}</button>
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
      flash(`${user.name} ${user.disabled ? 'enabled' : 'disabled'}.`);
      navigate(`/users/${enc(user.name)}`, true);
    } catch (e) {
      refusals.refuse(form, e, 'Not changed');
    }
  };
  return (
    <form noValidate aria-label={user.disabled ? 'Enable the account' : 'Disable the account'}>
      <p>{user.disabled ? 'The account is disabled: it cannot log in or use a token.' : 'Disabling ends its logins and revokes its API tokens at once.'}</p>
      <div class="actions">
        <button type="button" class={user.disabled ? '' : 'danger'} onClick={toggle}>
          {user.disabled ? 'Enable account' : 'Disable account'}
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
          <h1>User not found</h1>
          <p>{`There is no user ${name}.`}</p>
          <p>
            <a href="/users">Back to users</a>
          </p>
        </>
      );
    const sitName = new Map(sits.map((s) => [s.id, s.name]));
    const self = me()?.name === user.name;
    return (
      <>
        <h1>{`User ${user.name}`}</h1>
        <p>
          <a href="/users">All users</a>
        </p>
        <Card id="now-h" title="Roles and situations">
          <dl class="facts">
            <dt>Roles</dt>
            <dd>{roleWords(user.roles)}</dd>
            <dt>Situations</dt>
            <dd>{user.situations.length ? user.situations.map((s) => sitName.get(s) ?? s).join(', ') : 'none'}</dd>
            <dt>State</dt>
            <dd>
              <Badge status={user.disabled ? 'disabled' : 'active'} />
            </dd>
            <dt>Created</dt>
            <dd>{when(user.created_at)}</dd>
          </dl>
          <p class="hint">A change ends this user’s logins and revokes its API tokens.</p>
        </Card>
        <Card id="grant-h" title="Grant">
          <AssignmentForm
            user={user}
            action="grant"
            roleOptions={ROLES.filter(([r]) => !user.roles.includes(r))}
            sitOptions={sits.filter((s) => !user.situations.includes(s.id)).map((s): [string, string] => [s.id, s.name])}
          />
        </Card>
        <Card id="revoke-h" title="Revoke">
          <AssignmentForm user={user} action="revoke" roleOptions={ROLES.filter(([r]) => user.roles.includes(r))} sitOptions={user.situations.map((s): [string, string] => [s, sitName.get(s) ?? s])} />
        </Card>
        <Card id="acc-h" title="Access">
          {self ? <p>You cannot disable your own account; another admin must.</p> : <AccessForm user={user} />}
        </Card>
      </>
    );
  },
});
