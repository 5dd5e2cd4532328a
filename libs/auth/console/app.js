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
    [/^#\/accounts$/, () => placeholderPage('Provider accounts')],
    [/^#\/assets$/, () => placeholderPage('Assets')],
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
    return section(body, async () => {
      const o = await api('GET', '/api/public/overview');
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
        h('div', { class: 'card' }, h('h2', {}, 'Provider accounts'), h('p', { class: 'muted' }, 'Arrives with the provider pool.')),
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
        const u = new URL(j.result.url, location.href);
        const src = u.pathname.startsWith('/files/') ? u.pathname + u.search : j.result.url;
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

  function placeholderPage(title) {
    render(h('h1', {}, title), h('div', { class: 'card' }, h('p', {}, 'Arrives with the provider pool.')));
  }

  window.addEventListener('hashchange', () => void route());
  void route();
})();
