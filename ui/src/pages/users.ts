// Users and roles (admins): the principals (GET /users), a new one (POST
// /users), and one principal's page: roles and situations granted or
// revoked (POST /users/{name}/assignment) and the account disabled or
// enabled (PUT /users/{name}/disabled). Monitor and analyst act only in
// their situations; the other roles everywhere. Every change ends the
// principal's logins and revokes its API tokens (the server's rule).
import { call, enc, get } from '../api';
import { flash, link, navigate, situations } from '../app';
import { badge, field, h, humanize, table } from '../dom';
import { checkboxGroup, checked, clearErrors, setError, showError, when } from '../form_fields';
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

export async function userList(main: HTMLElement): Promise<void> {
  const [users, sits] = await Promise.all([get<{ items: User[] }>('/users'), situations()]);
  const sitName = new Map(sits.map((s) => [s.id, s.name]));
  const name = h('input', { type: 'text', name: 'name', required: true, autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false', maxlength: '64', 'data-pointer': '/name' });
  const password = h('input', { type: 'password', name: 'new-password', required: true, autocomplete: 'new-password', minlength: '12', 'data-pointer': '/password' });
  const roles = checkboxGroup('Roles', 'roles', ROLES, [], '/roles', true);
  const where = checkboxGroup('Situations', 'situations', sits.map((s): [string, string] => [s.id, s.name]), [], '/situations');
  const form = h(
    'form',
    { novalidate: true, 'aria-label': 'New user' },
    h('div', { class: 'grid-form' }, field('Name', name, "Letters, digits, '.', '_' and '-'; the name used to log in."), field('Password', password, 'At least 12 characters. Give it to the person by a safe way; they can change it on their account page.')),
    roles,
    where,
    h('p', { class: 'hint' }, 'Monitors and analysts act only in the situations ticked here.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create user')),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!name.value.trim()) return setError(name, 'Name: enter the name the person logs in with.');
    if (password.value.length < 12) return setError(password, 'Password: at least 12 characters.');
    if (checked(roles).length === 0) return setError(roles, 'Roles: choose at least one role.');
    try {
      await call('POST', '/users', { name: name.value.trim(), password: password.value, roles: checked(roles), situations: checked(where) });
      flash(`User ${name.value.trim()} created.`);
      navigate(`/users/${enc(name.value.trim())}`);
    } catch (e) {
      showError(form, e, 'Not created');
    }
  });
  main.append(
    h('h1', null, 'Users and roles'),
    h(
      'section',
      { 'aria-labelledby': 'users-h' },
      h('h2', { id: 'users-h' }, 'Users'),
      table(
        ['Name', 'Roles', 'Situations', 'State', 'Created'],
        users.items.map((u) => [link(`/users/${enc(u.name)}`, u.name), roleWords(u.roles), u.situations.map((s) => sitName.get(s) ?? s).join(', '), badge(u.disabled ? 'disabled' : 'active'), when(u.created_at)]),
        'Users',
        undefined,
        { empty: 'No users.' },
      ),
    ),
    h('section', { class: 'card', 'aria-labelledby': 'new-h' }, h('h2', { id: 'new-h' }, 'Create a user'), form),
  );
}

// A grant or revoke form over the roles and situations it may change.
function assignmentForm(user: User, action: 'grant' | 'revoke', roleOptions: Array<[string, string]>, sitOptions: Array<[string, string]>): HTMLElement {
  const verb = action === 'grant' ? 'Grant' : 'Revoke';
  const roles = checkboxGroup(`Roles to ${action}`, `${action}-roles`, roleOptions, [], '/roles');
  const where = checkboxGroup(`Situations to ${action}`, `${action}-situations`, sitOptions, [], '/situations');
  const form = h('form', { novalidate: true, 'aria-label': `${verb} roles and situations` }, roleOptions.length ? roles : null, sitOptions.length ? where : null, h('div', { class: 'actions' }, h('button', { type: 'submit' }, verb)));
  if (!roleOptions.length && !sitOptions.length) return h('p', null, action === 'grant' ? 'Every role and situation is granted.' : 'Nothing to revoke.');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const r = checked(roles);
    const s = checked(where);
    if (r.length === 0 && s.length === 0) return setError(roleOptions.length ? roles : where, `Choose at least one role or situation to ${action}.`);
    try {
      await call('POST', `/users/${enc(user.name)}/assignment`, { action, roles: r, situations: s });
      flash(`${user.name}: ${[...r.map(humanize), ...s].join(', ')} ${action === 'grant' ? 'granted' : 'revoked'}.`);
      navigate(`/users/${enc(user.name)}`, true);
    } catch (e) {
      showError(form, e, action === 'grant' ? 'Not granted' : 'Not revoked');
    }
  });
  return form;
}

export async function userDetail(main: HTMLElement, _p: URLSearchParams, [name]: string[]): Promise<void> {
  const [users, sits] = await Promise.all([get<{ items: User[] }>('/users'), situations()]);
  const user = users.items.find((u) => u.name === name);
  if (!user) {
    main.append(h('h1', null, 'User not found'), h('p', null, `There is no user ${name}.`), h('p', null, link('/users', 'Back to users')));
    return;
  }
  const sitName = new Map(sits.map((s) => [s.id, s.name]));
  const self = me()?.name === user.name;
  const access = h('section', { class: 'card', 'aria-labelledby': 'acc-h' }, h('h2', { id: 'acc-h' }, 'Access'));
  if (self) {
    access.append(h('p', null, 'You cannot disable your own account; another admin must.'));
  } else {
    const button = h('button', { type: 'button', class: user.disabled ? '' : 'danger' }, user.disabled ? 'Enable account' : 'Disable account');
    const holder = h('form', { novalidate: true, 'aria-label': user.disabled ? 'Enable the account' : 'Disable the account' }, h('p', null, user.disabled ? 'The account is disabled: it cannot log in or use a token.' : 'Disabling ends its logins and revokes its API tokens at once.'), h('div', { class: 'actions' }, button));
    button.addEventListener('click', async () => {
      try {
        await call('PUT', `/users/${enc(user.name)}/disabled`, { disabled: !user.disabled });
        flash(`${user.name} ${user.disabled ? 'enabled' : 'disabled'}.`);
        navigate(`/users/${enc(user.name)}`, true);
      } catch (e) {
        showError(holder, e, 'Not changed');
      }
    });
    access.append(holder);
  }
  main.append(
    h('h1', null, `User ${user.name}`),
    h('p', null, link('/users', 'All users')),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'now-h' },
      h('h2', { id: 'now-h' }, 'Roles and situations'),
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, 'Roles'),
        h('dd', null, roleWords(user.roles)),
        h('dt', null, 'Situations'),
        h('dd', null, user.situations.length ? user.situations.map((s) => sitName.get(s) ?? s).join(', ') : 'none'),
        h('dt', null, 'State'),
        h('dd', null, badge(user.disabled ? 'disabled' : 'active')),
        h('dt', null, 'Created'),
        h('dd', null, when(user.created_at)),
      ),
      h('p', { class: 'hint' }, 'A change ends this user’s logins and revokes its API tokens.'),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'grant-h' },
      h('h2', { id: 'grant-h' }, 'Grant'),
      assignmentForm(
        user,
        'grant',
        ROLES.filter(([r]) => !user.roles.includes(r)),
        sits.filter((s) => !user.situations.includes(s.id)).map((s): [string, string] => [s.id, s.name]),
      ),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'revoke-h' },
      h('h2', { id: 'revoke-h' }, 'Revoke'),
      assignmentForm(
        user,
        'revoke',
        ROLES.filter(([r]) => user.roles.includes(r)),
        user.situations.map((s): [string, string] => [s, sitName.get(s) ?? s]),
      ),
    ),
    access,
  );
}
