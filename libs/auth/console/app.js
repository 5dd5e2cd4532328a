// The operator console: plain DOM, hash routes, the operator API with the session cookie and the
// CSRF token. Everything shown is built with textContent (no HTML from data), and no secret is ever
// rendered except a newly created API key, once.
'use strict';

(function () {
  const state = { csrf: null, operator: null };
  const app = document.getElementById('app');

  // ---------- DOM helpers ----------
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }
  const fmt = (n) => (typeof n === 'number' ? n.toLocaleString('en-US') : '—');
  const when = (iso) => (iso ? new Date(iso).toLocaleString() : '—');
  const badge = (s) => h('span', { class: `badge ${s}` }, s);
  const loading = () => h('p', { class: 'loading' }, 'Loading…');
  function errorBox(err) {
    return h('div', { class: 'error', role: 'alert' }, err && err.message ? err.message : String(err), err && err.requestId ? h('span', { class: 'muted' }, ` (request ${err.requestId})`) : null);
  }
  function render(...nodes) {
    app.replaceChildren(...nodes);
  }
  /** Fills `container` with loading, then the result of `build()`, or an error. */
  async function section(container, build) {
    container.replaceChildren(loading());
    try {
      const nodes = await build();
      container.replaceChildren(...[].concat(nodes));
    } catch (err) {
      if (!handleAuthError(err)) container.replaceChildren(errorBox(err));
    }
  }
  function formValues(form) {
    const out = {};
    for (const [k, v] of new FormData(form).entries()) out[k] = typeof v === 'string' ? v.trim() : v;
    return out;
  }
  /** Runs a form submission with its button disabled and errors shown under the form. */
  function onSubmit(form, action) {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const button = form.querySelector('button[type=submit]');
      const old = form.querySelector('.error');
      if (old) old.remove();
      if (button) button.disabled = true;
      try {
        await action(formValues(form));
      } catch (err) {
        if (!handleAuthError(err)) form.append(errorBox(err));
      } finally {
        if (button) button.disabled = false;
      }
    });
    return form;
  }

  // ---------- API ----------
  async function api(method, path, body) {
    const headers = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && state.csrf) headers['x-csrf-token'] = state.csrf;
    let res;
    try {
      res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw Object.assign(new Error('The gateway cannot be reached'), { status: 0 });
    }
    let data = null;
    try {
      data = await res.json();
    } catch {
      data = null;
    }
    if (!res.ok || !data || data.ok !== true) {
      const e = (data && data.error) || {};
      const details = Array.isArray(e.details) && e.details.length ? ': ' + e.details.map((d) => `${d.field} ${d.message}`).join('; ') : '';
      throw Object.assign(new Error((e.message || `HTTP ${res.status}`) + details), { status: res.status, code: e.code, requestId: e.requestId });
    }
    return data;
  }
  function handleAuthError(err) {
    if (err && err.status === 401 && err.code === 'unauthenticated') {
      state.operator = null;
      state.csrf = null;
      go('#/login');
      return true;
    }
    return false;
  }

  // ---------- routing ----------
  const routes = [
    [/^#\/login$/, loginPage],
    [/^#\/enroll$/, enrollPage],
    [/^#\/?$/, overviewPage],
    [/^#\/customers$/, customersPage],
    [/^#\/customers\/([A-Za-z0-9_]+)$/, customerPage],
    [/^#\/jobs$/, jobsPage],
    [/^#\/jobs\/([A-Za-z0-9_]+)$/, jobPage],
    [/^#\/operators$/, operatorsPage],
    [/^#\/accounts$/, accountsPage],
    [/^#\/accounts\/([A-Za-z0-9_]+)$/, accountPage],
    [/^#\/assets$/, assetsPage],
    [/^#\/assets\/([A-Za-z0-9_]+)$/, assetPage],
  ];
  function go(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  }
  async function route() {
    const hash = location.hash || '#/';
    const open = hash === '#/login' || hash === '#/enroll';
    if (!open && !state.operator) {
      const ok = await restoreSession();
      if (!ok) return;
    }
    document.getElementById('topbar').hidden = !state.operator || open;
    for (const a of document.querySelectorAll('#nav a')) {
      const target = a.getAttribute('href');
      a.classList.toggle('active', target === '#/' ? hash === '#/' : hash.startsWith(target));
    }
    for (const [pattern, page] of routes) {
      const m = pattern.exec(hash);
      if (m) return page(...m.slice(1));
    }
    render(h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '#/' }, 'Back to the overview')));
  }
  async function restoreSession() {
    try {
      const s = await api('GET', '/api/auth/session');
      state.csrf = s.csrfToken;
      if (s.enrollmentRequired) {
        go('#/enroll');
        return false;
      }
      state.operator = s.operator;
      document.getElementById('who').textContent = s.operator.email;
      return true;
    } catch {
      go('#/login');
      return false;
    }
  }
  function signedIn(result) {
    state.csrf = result.csrfToken;
    state.operator = result.operator;
    document.getElementById('who').textContent = result.operator.email;
    go('#/');
  }

  // ---------- sign in ----------
  function loginPage() {
    document.getElementById('topbar').hidden = true;
    const codeField = h('label', { hidden: true }, 'Authenticator code', h('input', { name: 'totp', inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '\\d{6}', maxlength: 6, id: 'login-totp' }));
    const hint = h('p', { class: 'notice', hidden: true }, 'Enter the 6-digit code from your authenticator app.');
    const form = h(
      'form',
      { id: 'login-form' },
      h('label', {}, 'Email', h('input', { name: 'email', type: 'email', autocomplete: 'username', required: true, id: 'login-email' })),
      h('label', {}, 'Password', h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, id: 'login-password' })),
      codeField,
      hint,
      h('button', { type: 'submit' }, 'Sign in'),
    );
    onSubmit(form, async (v) => {
      const body = { email: v.email, password: v.password };
      if (v.totp) body.totp = v.totp;
      try {
        const result = await api('POST', '/api/auth/login', body);
        if (result.enrollmentRequired) {
          state.csrf = result.csrfToken;
          go('#/enroll');
        } else signedIn(result);
      } catch (err) {
        if (err.code === 'totp_required') {
          codeField.hidden = false;
          hint.hidden = false;
          codeField.querySelector('input').focus();
          return;
        }
        throw err;
      }
    });
    render(h('div', { class: 'login card' }, h('h1', {}, 'Sign in to the console'), form));
  }

  async function enrollPage() {
    document.getElementById('topbar').hidden = true;
    const box = h('div', {});
    render(h('div', { class: 'login card' }, h('h1', {}, 'Set up your authenticator'), box));
    await section(box, async () => {
      if (!state.csrf) {
        const s = await api('GET', '/api/auth/session');
        state.csrf = s.csrfToken;
      }
      const setup = await api('POST', '/api/auth/totp/setup');
      const form = h(
        'form',
        { id: 'enroll-form' },
        h('label', {}, 'Code from the app', h('input', { name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '\\d{6}', maxlength: 6, required: true, id: 'enroll-code' })),
        h('button', { type: 'submit' }, 'Confirm and sign in'),
      );
      onSubmit(form, async (v) => signedIn(await api('POST', '/api/auth/totp/confirm', { code: v.code })));
      return [
        h('p', {}, 'Add this account to an authenticator app (type the key, or open the link on a phone), then enter the code it shows.'),
        h('p', { class: 'muted' }, 'No QR code is drawn by this server yet.'),
        h('label', {}, 'Setup key', h('code', { id: 'totp-secret' }, setup.secret)),
        h('p', {}, h('a', { href: setup.otpauthUrl, id: 'totp-link' }, 'Open in authenticator app')),
        h('details', {}, h('summary', {}, 'otpauth URI'), h('code', { id: 'totp-uri' }, setup.otpauthUrl)),
        form,
      ];
    });
  }

  document.getElementById('logout').addEventListener('click', async () => {
    try {
      await api('POST', '/api/auth/logout');
    } catch {
      // Signed out locally either way.
    }
    state.operator = null;
    state.csrf = null;
    go('#/login');
  });

  // ---------- overview ----------
  function overviewPage() {
    const body = h('div', {});
    render(h('h1', {}, 'Overview'), body);
    const accountsCard = h('div', { class: 'card' }, h('h2', {}, h('a', { href: '#/accounts' }, 'Provider accounts')));
    const accountsBox = h('div', {});
    accountsCard.append(accountsBox);
    return section(body, async () => {
      const o = await api('GET', '/api/public/overview');
      void section(accountsBox, accountsByStatus);
      const stat = (label, value, id) => h('div', { class: 'card stat' }, h('div', { class: 'label' }, label), h('div', { class: 'value', id }, value));
      return [
        h('div', { class: 'grid' },
          stat('Live credits available', fmt(o.credits.live.available), 'ov-live-available'),
          stat('Live credits reserved', fmt(o.credits.live.reserved), 'ov-live-reserved'),
          stat('Test credits available', fmt(o.credits.test.available)),
          stat('Scheduler lag', `${o.schedulerLagSeconds} s`, 'ov-lag'),
        ),
        h('div', { class: 'card' }, h('h2', {}, 'Jobs in the last 24 hours'),
          h('table', {}, h('thead', {}, h('tr', {}, Object.keys(o.jobsLast24h).map((s) => h('th', { class: 'num' }, s)))),
            h('tbody', {}, h('tr', {}, Object.values(o.jobsLast24h).map((n) => h('td', { class: 'num' }, fmt(n))))))),
        accountsCard,
      ];
    });
  }

  // ---------- customers ----------
  async function planOptions(selected) {
    const plans = await api('GET', '/api/public/plans');
    return plans.data.map((p) => h('option', { value: p.code, selected: p.code === selected }, `${p.name} (${p.code})`));
  }

  function customersPage() {
    const list = h('div', {});
    const search = h('form', { class: 'inline', id: 'customer-search' },
      h('label', {}, 'Search', h('input', { name: 'q', placeholder: 'name, email or external id', id: 'customer-q' })),
      h('label', {}, 'Status', h('select', { name: 'status' }, ['', 'active', 'suspended', 'closed'].map((s) => h('option', { value: s }, s || 'any')))),
      h('button', { type: 'submit', class: 'secondary' }, 'Search'));
    const load = (v) => section(list, async () => {
      const qs = new URLSearchParams({ limit: '50' });
      if (v.q) qs.set('q', v.q);
      if (v.status) qs.set('status', v.status);
      const page = await api('GET', `/api/public/customers?${qs}`);
      if (page.data.length === 0) return h('p', { class: 'muted' }, 'No customers match.');
      return h('table', { id: 'customers-table' },
        h('thead', {}, h('tr', {}, ['Name', 'Email', 'Plan', 'Status', 'Live available', 'Test available', 'Created'].map((t, i) => h('th', { class: i >= 4 && i <= 5 ? 'num' : '' }, t)))),
        h('tbody', {}, page.data.map((c) => h('tr', {},
          h('td', {}, h('a', { href: `#/customers/${c.id}` }, c.name)),
          h('td', {}, c.email || '—'),
          h('td', {}, c.plan),
          h('td', {}, badge(c.status)),
          h('td', { class: 'num' }, fmt(c.credits.live.available)),
          h('td', { class: 'num' }, fmt(c.credits.test.available)),
          h('td', {}, when(c.createdAt))))));
    });
    onSubmit(search, load);

    const planSelect = h('select', { name: 'plan' });
    const create = h('form', { class: 'inline', id: 'customer-create' },
      h('label', {}, 'Name', h('input', { name: 'name', required: true, maxlength: 200, id: 'new-customer-name' })),
      h('label', {}, 'Email', h('input', { name: 'email', type: 'email' })),
      h('label', {}, 'External id', h('input', { name: 'externalId' })),
      h('label', {}, 'Plan', planSelect),
      h('button', { type: 'submit' }, 'Create customer'));
    onSubmit(create, async (v) => {
      const body = { name: v.name, plan: v.plan || undefined };
      if (v.email) body.email = v.email;
      if (v.externalId) body.externalId = v.externalId;
      const created = await api('POST', '/api/public/customers', body);
      go(`#/customers/${created.customer.id}`);
    });
    render(h('h1', {}, 'Customers'), h('div', { class: 'card' }, h('h2', {}, 'New customer'), create), h('div', { class: 'card' }, search, list));
    planOptions('default').then((opts) => planSelect.replaceChildren(...opts)).catch(() => undefined);
    return load({});
  }

  function customerPage(id) {
    const head = h('div', {});
    const keys = h('div', {});
    const credits = h('div', {});
    const jobs = h('div', {});
    render(h('p', {}, h('a', { href: '#/customers' }, '← Customers')), head,
      h('div', { class: 'card' }, h('h2', {}, 'API keys'), keys),
      h('div', { class: 'card' }, h('h2', {}, 'Credits'), credits),
      h('div', { class: 'card' }, h('h2', {}, 'Jobs'), jobs));

    const loadHead = () => section(head, async () => {
      const { customer: c } = await api('GET', `/api/public/customers/${id}`);
      const planSelect = h('select', { name: 'plan', id: 'customer-plan' }, await planOptions(c.plan));
      const planForm = h('form', { class: 'inline' }, h('label', {}, 'Plan', planSelect), h('button', { type: 'submit', class: 'secondary' }, 'Change plan'));
      onSubmit(planForm, async (v) => {
        await api('PATCH', `/api/public/customers/${id}`, { plan: v.plan });
        await loadHead();
      });
      const next = c.status === 'active' ? 'suspended' : 'active';
      const toggle = h('button', { type: 'button', class: c.status === 'active' ? 'danger' : 'secondary', id: 'customer-status-toggle' }, c.status === 'active' ? 'Suspend' : 'Reactivate');
      toggle.addEventListener('click', async () => {
        if (next === 'suspended' && !confirm(`Suspend ${c.name}? Their keys stop working at once.`)) return;
        toggle.disabled = true;
        try {
          await api('PATCH', `/api/public/customers/${id}`, { status: next });
          await loadHead();
        } catch (err) {
          if (!handleAuthError(err)) head.append(errorBox(err));
        }
      });
      return [
        h('h1', { id: 'customer-name' }, c.name, ' ', badge(c.status)),
        h('div', { class: 'card' },
          h('div', { class: 'row' }, h('span', { class: 'mono' }, c.id), h('span', {}, c.email || 'no email'), c.externalId ? h('span', {}, `external id ${c.externalId}`) : null, h('span', { class: 'muted' }, `created ${when(c.createdAt)}`)),
          h('div', { class: 'row' }, planForm, h('div', { class: 'actions' }, c.status === 'closed' ? null : toggle))),
      ];
    });

    const keysList = h('div', {});
    const revealed = h('div', { id: 'key-reveal' });
    const loadKeys = () => section(keysList, async () => {
      const page = await api('GET', `/api/public/customers/${id}/api-keys?limit=100`);
      if (page.data.length === 0) return h('p', { class: 'muted' }, 'No keys yet.');
      return h('table', { id: 'keys-table' },
        h('thead', {}, h('tr', {}, ['Prefix', 'Mode', 'Name', 'Created', 'Last used', 'State', ''].map((t) => h('th', {}, t)))),
        h('tbody', {}, page.data.map((k) => {
          const revoke = h('button', { type: 'button', class: 'danger' }, 'Revoke');
          revoke.addEventListener('click', async () => {
            if (!confirm(`Revoke ${k.prefix}…? Requests with it fail within a second.`)) return;
            revoke.disabled = true;
            try {
              await api('DELETE', `/api/public/customers/${id}/api-keys/${k.id}`);
              await loadKeys();
            } catch (err) {
              if (!handleAuthError(err)) keysList.append(errorBox(err));
            }
          });
          return h('tr', {}, h('td', { class: 'mono' }, `${k.prefix}…`), h('td', {}, k.mode), h('td', {}, k.name || '—'), h('td', {}, when(k.createdAt)), h('td', {}, when(k.lastUsedAt)),
            h('td', {}, k.revokedAt ? badge('revoked') : badge('active')), h('td', {}, k.revokedAt ? null : revoke));
        })));
    });
    const keyForm = h('form', { class: 'inline', id: 'key-create' },
      h('label', {}, 'Mode', h('select', { name: 'mode', id: 'key-mode' }, h('option', { value: 'live' }, 'live'), h('option', { value: 'test' }, 'test'))),
      h('label', {}, 'Name', h('input', { name: 'name', maxlength: 100 })),
      h('button', { type: 'submit' }, 'Create key'));
    onSubmit(keyForm, async (v) => {
      const created = await api('POST', `/api/public/customers/${id}/api-keys`, { mode: v.mode, name: v.name || undefined });
      const code = h('code', { id: 'new-key' }, created.key);
      const copy = h('button', { type: 'button', class: 'secondary', id: 'copy-key' }, 'Copy');
      copy.addEventListener('click', async () => {
        try {
          await navigator.clipboard.writeText(created.key);
          copy.textContent = 'Copied';
        } catch {
          copy.textContent = 'Select and copy';
        }
      });
      const done = h('button', { type: 'button', class: 'link' }, 'I have stored it');
      // The key lives only in this element: dismissing it (or leaving the page) forgets it.
      done.addEventListener('click', () => revealed.replaceChildren());
      revealed.replaceChildren(h('p', { class: 'notice' }, 'This is the only time the full key is shown. Store it now.'), h('div', { class: 'secret-box' }, code, copy, done));
      await loadKeys();
    });
    keys.append(keyForm, revealed, keysList);

    const ledgerBox = h('div', {});
    let mode = 'live';
    const modeSelect = h('select', { name: 'mode', id: 'credit-mode' }, h('option', { value: 'live' }, 'live'), h('option', { value: 'test' }, 'test'));
    const loadCredits = () => section(ledgerBox, async () => {
      const page = await api('GET', `/api/public/customers/${id}/credits?mode=${mode}&limit=50`);
      const b = page.credits[mode];
      return [
        h('div', { class: 'row' }, h('strong', {}, `${mode}:`), h('span', { id: 'balance' }, `balance ${fmt(b.balance)}`), h('span', {}, `reserved ${fmt(b.reserved)}`), h('span', {}, `available ${fmt(b.available)}`)),
        page.data.length === 0 ? h('p', { class: 'muted' }, 'No ledger entries yet.') : h('table', { id: 'ledger-table' },
          h('thead', {}, h('tr', {}, ['When', 'Kind', 'Balance Δ', 'Reserved Δ', 'Balance after', 'Job', 'Reason', 'By'].map((t, i) => h('th', { class: i >= 2 && i <= 4 ? 'num' : '' }, t)))),
          h('tbody', {}, page.data.map((e) => h('tr', {},
            h('td', {}, when(e.createdAt)), h('td', {}, e.kind), h('td', { class: 'num' }, fmt(e.balanceDelta)), h('td', { class: 'num' }, fmt(e.reservedDelta)), h('td', { class: 'num' }, fmt(e.balanceAfter)),
            h('td', {}, e.jobId ? h('a', { href: `#/jobs/${e.jobId}`, class: 'mono' }, e.jobId) : '—'), h('td', {}, e.reason || '—'), h('td', { class: 'mono' }, e.actor))))),
      ];
    });
    modeSelect.addEventListener('change', () => {
      mode = modeSelect.value;
      void loadCredits();
    });
    const creditForm = h('form', { class: 'inline', id: 'credit-form' },
      h('label', {}, 'Amount (negative adjusts down)', h('input', { name: 'amount', type: 'number', step: 1, required: true, id: 'credit-amount' })),
      h('label', {}, 'Reason', h('input', { name: 'reason', required: true, maxlength: 500, id: 'credit-reason' })),
      h('label', {}, 'Ledger', modeSelect),
      h('button', { type: 'submit' }, 'Apply'));
    onSubmit(creditForm, async (v) => {
      await api('POST', `/api/public/customers/${id}/credits`, { amount: Number(v.amount), reason: v.reason, mode: v.mode });
      creditForm.reset();
      modeSelect.value = mode;
      await loadCredits();
    });
    credits.append(creditForm, ledgerBox);

    jobs.append(jobsTable({ customerId: id }));
    return Promise.all([loadHead(), loadKeys(), loadCredits()]);
  }

  // ---------- jobs ----------
  /** A job list with "load more"; `filter` is the query (customerId, status, type, mode). */
  function jobsTable(filter) {
    const box = h('div', {});
    const rows = h('tbody', {});
    const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Load more');
    let cursor = null;
    const loadPage = async () => {
      const qs = new URLSearchParams({ limit: '25' });
      for (const [k, v] of Object.entries(filter)) if (v) qs.set(k, v);
      if (cursor) qs.set('cursor', cursor);
      const page = await api('GET', `/api/public/jobs?${qs}`);
      rows.append(...page.data.map((j) => h('tr', {},
        h('td', {}, h('a', { href: `#/jobs/${j.jobId}`, class: 'mono' }, j.jobId)), h('td', {}, j.type), h('td', {}, j.mode), h('td', {}, badge(j.status)),
        h('td', { class: 'num' }, fmt(j.chargedCredits)), h('td', { class: 'num' }, fmt(j.refundedCredits)),
        h('td', {}, h('a', { href: `#/customers/${j.customerId}`, class: 'mono' }, j.customerId)), h('td', {}, when(j.createdAt)))));
      cursor = page.nextCursor;
      more.hidden = !cursor;
      return page.data.length;
    };
    more.addEventListener('click', () => void loadPage().catch((err) => handleAuthError(err) || box.append(errorBox(err))));
    void section(box, async () => {
      const n = await loadPage();
      if (n === 0) return h('p', { class: 'muted' }, 'No jobs.');
      return [h('table', { id: 'jobs-table' }, h('thead', {}, h('tr', {}, ['Job', 'Type', 'Mode', 'Status', 'Charged', 'Refunded', 'Customer', 'Created'].map((t, i) => h('th', { class: i === 4 || i === 5 ? 'num' : '' }, t)))), rows), more];
    });
    return box;
  }

  function jobsPage() {
    const listBox = h('div', {});
    const filters = h('form', { class: 'inline', id: 'job-filters' },
      h('label', {}, 'Status', h('select', { name: 'status' }, ['', 'queued', 'processing', 'succeeded', 'failed', 'canceled'].map((s) => h('option', { value: s }, s || 'any')))),
      h('label', {}, 'Type', h('select', { name: 'type' }, ['', 'image', 'video'].map((s) => h('option', { value: s }, s || 'any')))),
      h('label', {}, 'Mode', h('select', { name: 'mode' }, ['', 'live', 'test'].map((s) => h('option', { value: s }, s || 'any')))),
      h('label', {}, 'Customer id', h('input', { name: 'customerId', pattern: 'cus_[0-9A-Za-z]{24}' })),
      h('button', { type: 'submit', class: 'secondary' }, 'Filter'));
    onSubmit(filters, async (v) => listBox.replaceChildren(jobsTable(v)));
    render(h('h1', {}, 'Jobs'), h('div', { class: 'card' }, filters, listBox));
    listBox.append(jobsTable({}));
  }

  function jobPage(id) {
    const body = h('div', {});
    render(h('p', {}, h('a', { href: '#/jobs' }, '← Jobs')), body);
    return section(body, async () => {
      const { job: j } = await api('GET', `/api/public/jobs/${id}`);
      const field = (label, value) => h('tr', {}, h('th', {}, label), h('td', {}, value));
      let preview = h('p', { class: 'muted' }, j.status === 'succeeded' ? 'No stored result.' : 'No result yet.');
      if (j.result) {
        // The signed link is ours: use it on this origin so the console's CSP (self only) allows it.
        const src = sameOrigin(j.result.url);
        preview = j.result.contentType.startsWith('video/')
          ? h('video', { src, controls: true, preload: 'metadata', id: 'result-preview' })
          : h('img', { src, alt: 'Job result', id: 'result-preview' });
      }
      return [
        h('h1', {}, h('span', { class: 'mono' }, j.jobId), ' ', badge(j.status)),
        h('div', { class: 'grid' },
          h('div', { class: 'card' }, h('table', {}, h('tbody', {},
            field('Customer', h('a', { href: `#/customers/${j.customerId}`, class: 'mono' }, j.customerId)),
            field('Type / mode', `${j.type} · ${j.mode}`),
            field('Prompt', j.prompt),
            field('Size', j.size),
            field('Charged / refunded', `${fmt(j.chargedCredits)} / ${fmt(j.refundedCredits)}`),
            field('Provider', j.provider || '—'),
            field('Provider account', j.providerAccountId || '—'),
            field('Provider task', j.providerTaskId ? h('span', { class: 'mono' }, j.providerTaskId) : '—'),
            field('Polls', String(j.polls)),
            field('Error', j.error ? `${j.error.code}: ${j.error.message}` : '—'),
            field('Created / completed', `${when(j.createdAt)} / ${when(j.completedAt)}`)))),
          h('div', { class: 'card' }, h('h2', {}, 'Timeline'),
            h('ol', { class: 'timeline', id: 'job-timeline' }, j.events.map((e) => h('li', {}, h('strong', {}, e.kind), ' ', h('span', { class: 'muted' }, when(e.createdAt)), ' ', h('span', { class: 'mono' }, JSON.stringify(e.detail)))))),
        ),
        h('div', { class: 'card preview' }, h('h2', {}, 'Result'), preview),
      ];
    });
  }

  // ---------- operators ----------
  function operatorsPage() {
    const list = h('div', {});
    const load = () => section(list, async () => {
      const page = await api('GET', '/api/operators');
      return h('table', {}, h('thead', {}, h('tr', {}, ['Email', 'Status', 'Authenticator', 'Created', ''].map((t) => h('th', {}, t)))),
        h('tbody', {}, page.data.map((o) => {
          const actions = h('div', { class: 'actions' });
          if (!state.operator || o.id !== state.operator.id) {
            const reset = h('button', { type: 'button', class: 'danger' }, 'Reset authenticator');
            reset.addEventListener('click', async () => {
              if (!confirm(`Reset the authenticator of ${o.email}? They are signed out and enroll again.`)) return;
              await api('POST', `/api/operators/${o.id}/totp-reset`).catch((err) => handleAuthError(err) || list.append(errorBox(err)));
              await load();
            });
            actions.append(reset);
          }
          const end = h('button', { type: 'button', class: 'secondary' }, 'End sessions');
          end.addEventListener('click', async () => {
            if (!confirm(`End every session of ${o.email}?`)) return;
            await api('DELETE', `/api/operators/${o.id}/sessions`).catch((err) => handleAuthError(err) || list.append(errorBox(err)));
            await load();
          });
          actions.append(end);
          return h('tr', {}, h('td', {}, o.email), h('td', {}, badge(o.status)), h('td', {}, o.totpEnrolled ? 'enrolled' : 'not yet'), h('td', {}, when(o.createdAt)), h('td', {}, actions));
        })));
    });
    const form = h('form', { class: 'inline' },
      h('label', {}, 'Email', h('input', { name: 'email', type: 'email', required: true })),
      h('label', {}, 'Initial password (≥ 12)', h('input', { name: 'password', type: 'password', minlength: 12, required: true, autocomplete: 'new-password' })),
      h('button', { type: 'submit' }, 'Add operator'));
    onSubmit(form, async (v) => {
      await api('POST', '/api/operators', { email: v.email, password: v.password });
      form.reset();
      await load();
    });
    render(h('h1', {}, 'Operators'), h('div', { class: 'card' }, h('h2', {}, 'Add an operator'), h('p', { class: 'muted' }, 'They set up an authenticator at their first sign-in.'), form), h('div', { class: 'card' }, list));
    return load();
  }

  // ---------- shared bits for accounts and assets ----------
  const ACCOUNT_STATUSES = ['active', 'cooldown', 'exhausted', 'disabled', 'invalid'];
  const ASSET_STATUSES = ['processing', 'active', 'failed'];
  const JOB_DONE = ['succeeded', 'failed', 'canceled'];
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  /** A labelled input; `attrs` go to the input. */
  const input = (label, attrs) => h('label', {}, label, h('input', attrs));
  /** Secrets: password inputs the browser neither autofills nor offers to save. */
  const secret = (label, attrs) => input(label, { type: 'password', autocomplete: 'new-password', spellcheck: 'false', ...attrs });
  const optionalInt = (v) => (v === undefined || v === '' ? undefined : Number(v));
  /** Drops undefined and empty-string fields. */
  function compact(obj) {
    const out = {};
    for (const [k, v] of Object.entries(obj)) if (v !== undefined && v !== '') out[k] = v;
    return out;
  }
  /** Forgets every secret typed into `form`, whatever the outcome of its submission. */
  function clearSecrets(form) {
    for (const el of form.querySelectorAll('input[type=password], textarea.secret')) el.value = '';
  }
  function onSecretSubmit(form, action) {
    return onSubmit(form, async (v) => {
      try {
        await action(v);
      } finally {
        clearSecrets(form);
      }
    });
  }
  /** Our signed /files links, used on this origin so the console's CSP (self only) allows them. */
  function sameOrigin(url) {
    const u = new URL(url, location.href);
    return u.pathname.startsWith('/files/') ? u.pathname + u.search : url;
  }
  /** APIYI counts quota units: 500 000 = 1 USD. */
  function balanceText(a) {
    if (a.balance === null || a.balance === undefined) return '—';
    return a.provider === 'apiyi' ? `${fmt(a.balance)} (≈ $${(a.balance / 500000).toFixed(2)})` : fmt(a.balance);
  }
  /** A datalist of the Volcengine accounts, for inputs that take one (`list` attribute = its id). */
  function volcengineDatalist(id) {
    const list = h('datalist', { id });
    api('GET', '/api/accounts?provider=volcengine&limit=100')
      .then((page) => list.replaceChildren(...page.data.map((a) => h('option', { value: a.id }, `${a.label} (${a.status})`))))
      .catch(() => undefined);
    return list;
  }
  /** A table with "load more" over a cursor-paged list. */
  function pagedTable(id, headers, fetchPage, row, empty) {
    const box = h('div', {});
    const rows = h('tbody', {});
    const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Load more');
    let cursor = null;
    const loadPage = async () => {
      const page = await fetchPage(cursor);
      rows.append(...page.data.map(row));
      cursor = page.nextCursor;
      more.hidden = !cursor;
      return page.data.length;
    };
    more.addEventListener('click', () => void loadPage().catch((err) => handleAuthError(err) || box.append(errorBox(err))));
    void section(box, async () => {
      const n = await loadPage();
      if (n === 0) return h('p', { class: 'muted' }, empty);
      return [h('table', { id }, h('thead', {}, h('tr', {}, headers.map(([t, cls]) => h('th', { class: cls }, t)))), rows), more];
    });
    return box;
  }

  // ---------- provider accounts ----------
  /** The overview's card: accounts per provider and status (every page of the list, up to 2 000). */
  async function accountsByStatus() {
    const counts = {};
    let cursor = null;
    let pages = 0;
    let total = 0;
    do {
      const qs = new URLSearchParams({ limit: '100' });
      if (cursor) qs.set('cursor', cursor);
      const page = await api('GET', `/api/accounts?${qs}`);
      for (const a of page.data) {
        counts[a.provider] = counts[a.provider] || Object.fromEntries(ACCOUNT_STATUSES.map((s) => [s, 0]));
        counts[a.provider][a.status] = (counts[a.provider][a.status] || 0) + 1;
        total += 1;
      }
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 20);
    if (total === 0) return h('p', { class: 'muted' }, 'No provider accounts yet. ', h('a', { href: '#/accounts' }, 'Import one'));
    return [
      h('table', { id: 'ov-accounts' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Provider'), ACCOUNT_STATUSES.map((s) => h('th', { class: 'num' }, s)))),
        h('tbody', {}, Object.entries(counts).map(([provider, byStatus]) => h('tr', {}, h('td', {}, provider),
          ACCOUNT_STATUSES.map((s) => h('td', { class: 'num', 'data-status': s }, fmt(byStatus[s]))))))),
      cursor ? h('p', { class: 'muted' }, `Counted the newest ${fmt(total)} accounts.`) : null,
    ];
  }

  function accountsTable(filter) {
    return pagedTable('accounts-table',
      [['Label'], ['Provider'], ['Status'], ['Credentials'], ['Priority / weight', 'num'], ['Balance', 'num'], ['In flight', 'num'], ['Last error']],
      (cursor) => {
        const qs = new URLSearchParams({ limit: '50' });
        for (const [k, v] of Object.entries(filter)) if (v) qs.set(k, v);
        if (cursor) qs.set('cursor', cursor);
        return api('GET', `/api/accounts?${qs}`);
      },
      (a) => h('tr', { 'data-id': a.id },
        h('td', {}, h('a', { href: `#/accounts/${a.id}` }, a.label)),
        h('td', {}, a.provider),
        h('td', {}, badge(a.status), a.cooldownUntil && a.status === 'cooldown' ? h('div', { class: 'muted' }, `until ${when(a.cooldownUntil)}`) : null),
        h('td', { class: 'mono' }, a.credentialsHint),
        h('td', { class: 'num' }, `${a.priority} / ${a.weight}`),
        h('td', { class: 'num' }, balanceText(a), h('div', { class: 'muted' }, a.balanceCheckedAt ? `checked ${when(a.balanceCheckedAt)}` : 'never checked')),
        h('td', { class: 'num' }, fmt(a.inFlightJobs)),
        h('td', {}, a.lastError ? [a.lastError, h('div', { class: 'muted' }, when(a.lastErrorAt))] : '—')),
      'No accounts match.');
  }

  function apiyiImportForm(done) {
    const form = h('form', { class: 'inline', id: 'import-apiyi' },
      input('Label', { name: 'label', required: true, maxlength: 200, id: 'imp-apiyi-label' }),
      input('Base URL (optional)', { name: 'baseUrl', type: 'url', placeholder: 'https://api.apiyi.com', id: 'imp-apiyi-baseUrl' }),
      secret('API key (sk-…)', { name: 'apiKey', required: true, minlength: 8, id: 'imp-apiyi-apiKey' }),
      secret('Access token (optional, for balance)', { name: 'accessToken', minlength: 8, id: 'imp-apiyi-accessToken' }),
      input('Linked Volcengine account (optional)', { name: 'volcengineAccountId', list: 'volc-accounts', placeholder: 'pa_…', id: 'imp-apiyi-volc' }),
      input('Priority', { name: 'priority', type: 'number', step: 1, min: -1000, max: 1000, placeholder: '0', class: 'short' }),
      input('Weight', { name: 'weight', type: 'number', step: 1, min: 1, max: 1000, placeholder: '1', class: 'short' }),
      h('button', { type: 'submit' }, 'Import'));
    return onSecretSubmit(form, async (v) => {
      const body = compact({ provider: 'apiyi', label: v.label, baseUrl: v.baseUrl, volcengineAccountId: v.volcengineAccountId, priority: optionalInt(v.priority), weight: optionalInt(v.weight) });
      body.credentials = compact({ apiKey: v.apiKey, accessToken: v.accessToken });
      const { account } = await api('POST', '/api/accounts', body);
      form.reset();
      done(account);
    });
  }

  function volcengineImportForm(done) {
    const form = h('form', { class: 'inline', id: 'import-volcengine', hidden: true },
      input('Label', { name: 'label', required: true, maxlength: 200, id: 'imp-volc-label' }),
      input('Base URL (optional)', { name: 'baseUrl', type: 'url', placeholder: 'https://ark.cn-beijing.volcengineapi.com', id: 'imp-volc-baseUrl' }),
      input('Region', { name: 'region', placeholder: 'cn-beijing', class: 'short' }),
      input('Project', { name: 'projectName', placeholder: 'default', class: 'short' }),
      secret('Access key id', { name: 'accessKeyId', required: true, minlength: 8, id: 'imp-volc-akid' }),
      secret('Secret access key', { name: 'secretAccessKey', required: true, minlength: 8, id: 'imp-volc-secret' }),
      input('Priority', { name: 'priority', type: 'number', step: 1, min: -1000, max: 1000, placeholder: '0', class: 'short' }),
      input('Weight', { name: 'weight', type: 'number', step: 1, min: 1, max: 1000, placeholder: '1', class: 'short' }),
      h('button', { type: 'submit' }, 'Import'));
    return onSecretSubmit(form, async (v) => {
      const body = compact({ provider: 'volcengine', label: v.label, baseUrl: v.baseUrl, region: v.region, projectName: v.projectName, priority: optionalInt(v.priority), weight: optionalInt(v.weight) });
      body.credentials = { accessKeyId: v.accessKeyId, secretAccessKey: v.secretAccessKey };
      const { account } = await api('POST', '/api/accounts', body);
      form.reset();
      done(account);
    });
  }

  function bulkImportForm(done) {
    const results = h('div', { id: 'bulk-results' });
    const form = h('form', { id: 'import-bulk', class: 'stack' },
      h('label', {}, 'A JSON array of accounts, each as the single import takes it ({ provider, label, credentials: {…}, … }); up to 100',
        h('textarea', { name: 'json', class: 'secret', rows: 6, spellcheck: 'false', autocomplete: 'off', required: true, id: 'bulk-json',
          placeholder: '[{"provider":"apiyi","label":"apiyi 2","credentials":{"apiKey":"sk-…"}}]' })),
      h('div', {}, h('button', { type: 'submit' }, 'Import all')));
    onSecretSubmit(form, async (v) => {
      results.replaceChildren();
      let accounts;
      try {
        accounts = JSON.parse(v.json);
      } catch (err) {
        throw new Error(`Not valid JSON: ${err.message}`);
      }
      if (!Array.isArray(accounts)) throw new Error('Paste a JSON array of accounts');
      const labels = accounts.map((a) => (a && typeof a === 'object' && typeof a.label === 'string' ? a.label : '—'));
      const out = await api('POST', '/api/accounts', { accounts });
      const ok = out.results.filter((r) => r.ok).length;
      results.replaceChildren(
        h('p', { class: ok === out.results.length ? 'notice' : 'error' }, `${ok} of ${out.results.length} imported.`),
        h('table', {}, h('thead', {}, h('tr', {}, ['#', 'Label', 'Result', 'Details'].map((t) => h('th', {}, t)))),
          h('tbody', {}, out.results.map((r, i) => h('tr', { class: r.ok ? 'ok' : 'failed' },
            h('td', {}, String(i + 1)),
            h('td', {}, labels[i]),
            h('td', {}, r.ok ? badge('imported') : badge('failed')),
            h('td', {}, r.ok
              ? [h('a', { href: `#/accounts/${r.account.id}`, class: 'mono' }, r.account.id), ' ', h('span', { class: 'mono muted' }, r.account.credentialsHint)]
              : `${r.error.code}: ${r.error.message}${Array.isArray(r.error.details) && r.error.details.length ? ' — ' + r.error.details.map((d) => `${d.field} ${d.message}`).join('; ') : ''}`))))));
      if (ok > 0) done();
    });
    return [form, results];
  }

  function accountsPage() {
    const listBox = h('div', {});
    let filter = {};
    const reload = () => listBox.replaceChildren(accountsTable(filter));
    const filters = h('form', { class: 'inline', id: 'account-filters' },
      h('label', {}, 'Provider', h('select', { name: 'provider' }, ['', 'apiyi', 'volcengine'].map((s) => h('option', { value: s }, s || 'any')))),
      h('label', {}, 'Status', h('select', { name: 'status' }, ['', ...ACCOUNT_STATUSES].map((s) => h('option', { value: s }, s || 'any')))),
      h('button', { type: 'submit', class: 'secondary' }, 'Filter'));
    onSubmit(filters, async (v) => {
      filter = v;
      reload();
    });

    const imported = h('div', { id: 'import-result' });
    const onImported = (account) => {
      imported.replaceChildren(h('p', { class: 'notice' }, 'Imported ', h('a', { href: `#/accounts/${account.id}` }, account.label), ' ', h('span', { class: 'mono' }, account.credentialsHint), '.'));
      reload();
    };
    const apiyi = apiyiImportForm(onImported);
    const volc = volcengineImportForm(onImported);
    const provider = h('select', { id: 'import-provider' }, h('option', { value: 'apiyi' }, 'APIYI (generation)'), h('option', { value: 'volcengine' }, 'Volcengine (asset library)'));
    provider.addEventListener('change', () => {
      apiyi.hidden = provider.value !== 'apiyi';
      volc.hidden = provider.value !== 'volcengine';
      imported.replaceChildren();
    });

    render(h('h1', {}, 'Provider accounts'),
      h('div', { class: 'card' }, h('h2', {}, 'Import an account'),
        h('p', { class: 'muted' }, 'Credentials are stored encrypted and never shown again; only a masked hint is.'),
        h('label', { class: 'narrow' }, 'Provider', provider), apiyi, volc, volcengineDatalist('volc-accounts'), imported,
        h('details', {}, h('summary', {}, 'Import many (JSON)'), bulkImportForm(reload))),
      h('div', { class: 'card' }, filters, listBox));
    reload();
  }

  function rotateForm(a, done) {
    const fields = a.provider === 'apiyi'
      ? [secret('New API key', { name: 'apiKey', required: true, minlength: 8, id: 'rotate-apiKey' }), secret('New access token (optional)', { name: 'accessToken', minlength: 8 })]
      : [secret('New access key id', { name: 'accessKeyId', required: true, minlength: 8, id: 'rotate-akid' }), secret('New secret access key', { name: 'secretAccessKey', required: true, minlength: 8 })];
    const form = h('form', { class: 'inline', id: 'account-rotate' }, ...fields, h('button', { type: 'submit' }, 'Rotate credentials'));
    return onSecretSubmit(form, async (v) => {
      const credentials = a.provider === 'apiyi' ? compact({ apiKey: v.apiKey, accessToken: v.accessToken }) : { accessKeyId: v.accessKeyId, secretAccessKey: v.secretAccessKey };
      await api('PUT', `/api/accounts/${a.id}/credentials`, { credentials });
      done('Credentials rotated.');
    });
  }

  function testGenerationCard(a) {
    const card = h('div', { class: 'card preview', id: 'test-gen' }, h('h2', {}, 'Test generation'));
    if (a.provider !== 'apiyi') {
      card.append(h('p', { class: 'muted' }, 'Test generations run on APIYI accounts; Volcengine accounts serve the asset library.'));
      return card;
    }
    const status = h('div', { id: 'test-gen-status' });
    const result = h('div', { id: 'test-gen-result' });
    const type = h('select', { name: 'type', id: 'test-gen-type' }, h('option', { value: 'image' }, 'image'), h('option', { value: 'video' }, 'video'));
    const duration = input('Seconds (video)', { name: 'duration', type: 'number', min: 4, max: 15, step: 1, value: 4, class: 'short' });
    duration.hidden = true;
    type.addEventListener('change', () => {
      duration.hidden = type.value !== 'video';
    });
    const form = h('form', { class: 'inline', id: 'test-gen-form' },
      h('label', {}, 'Type', type),
      h('label', { class: 'grow' }, 'Prompt', h('input', { name: 'prompt', required: true, maxlength: 4000, id: 'test-gen-prompt', placeholder: 'a red cube on a table' })),
      duration,
      h('button', { type: 'submit' }, 'Run'));
    const show = (job) => {
      status.replaceChildren(h('p', {}, h('span', { class: 'mono' }, job.jobId), ' ', badge(job.status),
        job.error ? h('span', { class: 'error-text' }, ` ${job.error.code}: ${job.error.message}`) : null,
        job.completedAt ? h('span', { class: 'muted' }, ` completed ${when(job.completedAt)}`) : null));
      if (job.status === 'succeeded' && job.resultUrl) {
        const src = sameOrigin(job.resultUrl);
        result.replaceChildren(job.type === 'video'
          ? h('video', { src, controls: true, preload: 'metadata', id: 'test-gen-preview' })
          : h('img', { src, alt: 'Test generation result', id: 'test-gen-preview' }));
      }
    };
    onSubmit(form, async (v) => {
      result.replaceChildren();
      const body = { type: v.type, prompt: v.prompt };
      if (v.type === 'video' && v.duration) body.duration = Number(v.duration);
      let { job } = await api('POST', `/api/accounts/${a.id}/test-generation`, body);
      show(job);
      // Poll while this page is open; leaving it stops the loop (the job runs on regardless).
      while (!JOB_DONE.includes(job.status) && document.body.contains(card)) {
        await sleep(1000);
        ({ job } = await api('GET', `/api/accounts/${a.id}/test-generation/${job.jobId}`));
        show(job);
      }
    });
    card.append(h('p', { class: 'muted' }, 'Runs a real job on this account, charged to no customer.'), form, status, result);
    return card;
  }

  function accountPage(id) {
    const body = h('div', {});
    const testBox = h('div', {});
    const message = h('div', { id: 'account-message' });
    render(h('p', {}, h('a', { href: '#/accounts' }, '← Provider accounts')), body, testBox);
    let testBuilt = false;
    const say = (text) => message.replaceChildren(h('p', { class: 'notice' }, text));
    const fail = (err) => handleAuthError(err) || message.replaceChildren(errorBox(err));
    const load = () => section(body, async () => {
      const { account: a } = await api('GET', `/api/accounts/${id}`);
      if (!testBuilt) {
        testBuilt = true;
        testBox.append(testGenerationCard(a));
      }
      const field = (label, value) => h('tr', {}, h('th', {}, label), h('td', {}, value));
      const button = (label, attrs, action) => {
        const b = h('button', { type: 'button', ...attrs }, label);
        b.addEventListener('click', async () => {
          b.disabled = true;
          try {
            await action();
          } catch (err) {
            fail(err);
          } finally {
            b.disabled = false;
          }
        });
        return b;
      };
      const check = button('Check now', { id: 'account-check' }, async () => {
        const out = await api('POST', `/api/accounts/${id}/check`);
        const c = out.check;
        const valid = c.valid === null ? 'could not tell' : c.valid ? 'valid' : 'refused';
        say(`Checked: ${valid}${c.balance !== null ? `, balance ${balanceText({ provider: a.provider, balance: c.balance })}` : ''}. ${c.detail}`);
        await load();
      });
      const toggle = button(a.enabled ? 'Disable' : 'Enable', { id: 'account-toggle', class: a.enabled ? 'danger' : 'secondary' }, async () => {
        await api('PATCH', `/api/accounts/${id}`, { enabled: !a.enabled });
        say(a.enabled ? 'Disabled: out of rotation.' : 'Enabled: back in rotation.');
        await load();
      });
      const remove = button('Delete', { id: 'account-delete', class: 'danger' }, async () => {
        if (!confirm(`Delete ${a.label}? Accounts with jobs in flight cannot be deleted; its history is kept.`)) return;
        await api('DELETE', `/api/accounts/${id}`);
        go('#/accounts');
      });
      const settings = h('form', { class: 'inline', id: 'account-settings' },
        input('Label', { name: 'label', required: true, maxlength: 200, value: a.label }),
        input('Priority', { name: 'priority', type: 'number', step: 1, min: -1000, max: 1000, required: true, value: a.priority, class: 'short', id: 'account-priority' }),
        input('Weight', { name: 'weight', type: 'number', step: 1, min: 1, max: 1000, required: true, value: a.weight, class: 'short', id: 'account-weight' }),
        h('button', { type: 'submit', class: 'secondary' }, 'Save'));
      onSubmit(settings, async (v) => {
        await api('PATCH', `/api/accounts/${id}`, { label: v.label, priority: Number(v.priority), weight: Number(v.weight) });
        say('Saved.');
        await load();
      });
      const events = a.events || [];
      return [
        h('h1', {}, h('span', { id: 'account-label' }, a.label), ' ', h('span', { id: 'account-status' }, badge(a.status))),
        h('div', { class: 'grid' },
          h('div', { class: 'card' }, h('table', { id: 'account-details' }, h('tbody', {},
            field('Id', h('span', { class: 'mono' }, a.id)),
            field('Provider', a.provider),
            field('Base URL', a.baseUrl || 'provider default'),
            field('Credentials', h('span', { class: 'mono', id: 'account-hint' }, a.credentialsHint)),
            field('Rotated', when(a.credentialsRotatedAt)),
            field('Priority / weight', `${a.priority} / ${a.weight}`),
            field('Balance', h('span', { id: 'account-balance' }, balanceText(a))),
            field('Balance checked', h('span', { id: 'account-checked' }, when(a.balanceCheckedAt))),
            field('Cooldown until', when(a.cooldownUntil)),
            field('Failure streak', String(a.failureStreak)),
            field('Jobs in flight', fmt(a.inFlightJobs)),
            field('Last error', a.lastError ? `${a.lastError} (${when(a.lastErrorAt)})` : '—'),
            a.provider === 'apiyi' ? field('Linked Volcengine account', a.volcengineAccountId ? h('a', { href: `#/accounts/${a.volcengineAccountId}`, class: 'mono' }, a.volcengineAccountId) : '—') : null,
            a.provider === 'volcengine' ? field('Region / project', `${a.region || '—'} / ${a.projectName || '—'}`) : null,
            field('Created / updated', `${when(a.createdAt)} / ${when(a.updatedAt)}`)))),
          h('div', { class: 'card' }, h('h2', {}, 'Actions'), h('div', { class: 'actions' }, check, toggle, remove), message,
            h('h2', { class: 'spaced' }, 'Settings'), settings,
            h('h2', { class: 'spaced' }, 'Rotate credentials'), h('p', { class: 'muted' }, 'Replaces the credentials; the account keeps its id and history.'),
            rotateForm(a, async (text) => {
              say(text);
              await load();
            }))),
        h('div', { class: 'card' }, h('h2', {}, 'Recent events'),
          events.length === 0 ? h('p', { class: 'muted' }, 'No events yet.') : h('table', { id: 'account-events' },
            h('thead', {}, h('tr', {}, ['When', 'Kind', 'Status', 'Reason', 'By'].map((t) => h('th', {}, t)))),
            h('tbody', {}, events.map((e) => h('tr', {}, h('td', {}, when(e.createdAt)), h('td', {}, e.kind),
              h('td', {}, e.fromStatus || e.toStatus ? `${e.fromStatus || '—'} → ${e.toStatus || '—'}` : '—'), h('td', {}, e.reason), h('td', { class: 'mono' }, e.actor)))))),
      ];
    });
    return load();
  }

  // ---------- assets ----------
  function assetsTable(filter) {
    return pagedTable('assets-table',
      [['Name'], ['Status'], ['Kind'], ['Customer'], ['Volcengine account'], ['Provider asset id'], ['Group'], ['Created']],
      (cursor) => {
        const qs = new URLSearchParams({ limit: '50' });
        for (const [k, v] of Object.entries(filter)) if (v) qs.set(k, v);
        if (cursor) qs.set('cursor', cursor);
        return api('GET', `/api/assets?${qs}`);
      },
      (a) => h('tr', { 'data-id': a.id },
        h('td', {}, h('a', { href: `#/assets/${a.id}` }, a.name)),
        h('td', {}, badge(a.status), a.error ? h('div', { class: 'muted' }, a.error.code) : null),
        h('td', {}, a.kind),
        h('td', {}, a.customerId ? h('a', { href: `#/customers/${a.customerId}`, class: 'mono' }, a.customerId) : 'operator'),
        h('td', {}, a.volcengineAccountId ? h('a', { href: `#/accounts/${a.volcengineAccountId}`, class: 'mono' }, a.volcengineAccountId) : '—'),
        h('td', { class: 'mono' }, a.providerAssetId),
        h('td', { class: 'mono' }, a.groupId || '—'),
        h('td', {}, when(a.createdAt))),
      'No assets match.');
  }

  function assetsPage() {
    const listBox = h('div', {});
    const groupsBox = h('div', {});
    const filters = h('form', { class: 'inline', id: 'asset-filters' },
      h('label', {}, 'Status', h('select', { name: 'status' }, ['', ...ASSET_STATUSES].map((s) => h('option', { value: s }, s || 'any')))),
      input('Customer id', { name: 'customerId', placeholder: 'cus_…', id: 'asset-filter-customer' }),
      input('Group id', { name: 'groupId', placeholder: 'agr_…', id: 'asset-filter-group' }),
      h('button', { type: 'submit', class: 'secondary' }, 'Filter'));
    let filter = {};
    const reload = () => listBox.replaceChildren(assetsTable(filter));
    onSubmit(filters, async (v) => {
      filter = v;
      reload();
    });

    const registered = h('div', { id: 'register-result' });
    const register = h('form', { class: 'inline', id: 'asset-register' },
      input('Customer id', { name: 'customerId', required: true, placeholder: 'cus_…', id: 'reg-customer' }),
      input('Volcengine account', { name: 'volcengineAccountId', required: true, list: 'asset-volc-accounts', placeholder: 'pa_…', id: 'reg-account' }),
      input('Volcengine asset id', { name: 'providerAssetId', required: true, placeholder: 'asset-…', id: 'reg-provider-id' }),
      input('Project (optional)', { name: 'projectName', placeholder: 'the account’s', class: 'short', id: 'reg-project' }),
      input('Name', { name: 'name', required: true, maxlength: 200, id: 'reg-name' }),
      h('button', { type: 'submit' }, 'Register'));
    onSubmit(register, async (v) => {
      const { asset } = await api('POST', '/api/assets/register', compact({ customerId: v.customerId, volcengineAccountId: v.volcengineAccountId, providerAssetId: v.providerAssetId, projectName: v.projectName, name: v.name }));
      register.reset();
      registered.replaceChildren(h('p', { class: 'notice' }, 'Registered ', h('a', { href: `#/assets/${asset.id}` }, asset.name), ' ', badge(asset.status), '.'));
      reload();
    });

    const loadGroups = () => section(groupsBox, async () => {
      const page = await api('GET', '/api/assets/groups?limit=100');
      if (page.data.length === 0) return h('p', { class: 'muted' }, 'No groups yet.');
      return h('table', { id: 'groups-table' },
        h('thead', {}, h('tr', {}, ['Name', 'Id', 'Provider group', 'Volcengine account', 'Customer', 'Project', 'Created', ''].map((t) => h('th', {}, t)))),
        h('tbody', {}, page.data.map((g) => {
          const show = h('button', { type: 'button', class: 'secondary' }, 'Assets');
          show.addEventListener('click', () => {
            filters.elements.groupId.value = g.id;
            filter = { ...formValues(filters) };
            reload();
          });
          const del = h('button', { type: 'button', class: 'danger' }, 'Delete');
          del.addEventListener('click', async () => {
            if (!confirm(`Delete the group ${g.name} with all its assets, upstream and here?`)) return;
            del.disabled = true;
            try {
              await api('DELETE', `/api/assets/groups/${g.id}`);
              await loadGroups();
              reload();
            } catch (err) {
              del.disabled = false;
              if (!handleAuthError(err)) groupsBox.append(errorBox(err));
            }
          });
          return h('tr', { 'data-id': g.id }, h('td', {}, g.name), h('td', { class: 'mono' }, g.id), h('td', { class: 'mono' }, g.providerGroupId),
            h('td', {}, h('a', { href: `#/accounts/${g.volcengineAccountId}`, class: 'mono' }, g.volcengineAccountId)),
            h('td', {}, g.customerId ? h('a', { href: `#/customers/${g.customerId}`, class: 'mono' }, g.customerId) : 'operator'),
            h('td', {}, g.projectName), h('td', {}, when(g.createdAt)), h('td', {}, h('div', { class: 'actions' }, show, del)));
        })));
    });
    const groupForm = h('form', { class: 'inline', id: 'group-create' },
      input('Volcengine account', { name: 'volcengineAccountId', required: true, list: 'asset-volc-accounts', placeholder: 'pa_…', id: 'group-account' }),
      input('Name', { name: 'name', required: true, maxlength: 200, id: 'group-name' }),
      input('For customer (optional)', { name: 'customerId', placeholder: 'cus_…' }),
      h('button', { type: 'submit' }, 'Create group'));
    onSubmit(groupForm, async (v) => {
      await api('POST', '/api/assets/groups', compact({ volcengineAccountId: v.volcengineAccountId, name: v.name, customerId: v.customerId }));
      groupForm.reset();
      await loadGroups();
    });

    render(h('h1', {}, 'Assets'),
      volcengineDatalist('asset-volc-accounts'),
      h('div', { class: 'card' }, filters, listBox),
      h('div', { class: 'card' }, h('h2', {}, 'Register a real-person asset'),
        h('p', { class: 'muted' }, 'Real people can only be verified in the Volcengine console: finish the verification there, then record the asset id it returns (with its account and project) for the customer who may use it; it is active at once.'),
        register, registered),
      h('div', { class: 'card' }, h('h2', {}, 'Groups'), groupForm, groupsBox));
    reload();
    return loadGroups();
  }

  function assetPage(id) {
    const body = h('div', {});
    render(h('p', {}, h('a', { href: '#/assets' }, '← Assets')), body);
    return section(body, async () => {
      const { asset: a } = await api('GET', `/api/assets/${id}`);
      const field = (label, value) => h('tr', {}, h('th', {}, label), h('td', {}, value));
      const message = h('div', {});
      const del = h('button', { type: 'button', class: 'danger', id: 'asset-delete' }, 'Delete');
      del.addEventListener('click', async () => {
        if (!confirm(`Delete ${a.name}${a.kind === 'ingested' ? ' upstream and here' : ' here (the Volcengine console keeps it)'}?`)) return;
        del.disabled = true;
        try {
          await api('DELETE', `/api/assets/${id}`);
          go('#/assets');
        } catch (err) {
          del.disabled = false;
          if (!handleAuthError(err)) message.replaceChildren(errorBox(err));
        }
      });
      return [
        h('h1', {}, h('span', { id: 'asset-name' }, a.name), ' ', badge(a.status)),
        h('div', { class: 'card' }, h('table', { id: 'asset-details' }, h('tbody', {},
          field('Id', h('span', { class: 'mono' }, a.id)),
          field('Kind', a.kind === 'registered' ? 'registered (verified in the Volcengine console)' : 'ingested from an image'),
          field('Customer', a.customerId ? h('a', { href: `#/customers/${a.customerId}`, class: 'mono' }, a.customerId) : 'operator'),
          field('Mode', a.mode),
          field('Volcengine account', a.volcengineAccountId ? h('a', { href: `#/accounts/${a.volcengineAccountId}`, class: 'mono' }, a.volcengineAccountId) : '—'),
          field('Project', a.projectName || '—'),
          field('Provider asset id', h('span', { class: 'mono', id: 'asset-provider-id' }, a.providerAssetId)),
          field('Used in prompts as', h('span', { class: 'mono' }, `asset://${a.providerAssetId}`)),
          field('Group', a.groupId ? h('span', { class: 'mono' }, a.groupId) : '—'),
          field('Error', a.error ? `${a.error.code}: ${a.error.message}` : '—'),
          field('Created / updated', `${when(a.createdAt)} / ${when(a.updatedAt)}`)))),
        h('div', { class: 'card' }, h('div', { class: 'actions' }, del), message),
      ];
    });
  }

  window.addEventListener('hashchange', () => void route());
  void route();
})();
