// No build step: the page asks this example's server for the Iqra URL and the business id.
const { iqraUrl, businessId } = await (await fetch('/config.json')).json();
const path = `/businesses/${encodeURIComponent(businessId)}/conversations`;

function show(listId, conversations) {
  const list = document.getElementById(listId);
  list.replaceChildren(
    ...conversations.map((c) => {
      const item = document.createElement('li');
      item.dataset.id = c.id;
      item.textContent = `${c.id} · ${c.status} · ${c.startedAt ?? ''}`;
      return item;
    }),
  );
  if (conversations.length === 0) list.textContent = 'No conversations yet.';
  list.setAttribute('aria-busy', 'false');
}

function fail(listId, error) {
  const list = document.getElementById(listId);
  list.textContent = `Failed: ${error.message}`;
  list.className = 'error';
  list.setAttribute('aria-busy', 'false');
}

async function json(response) {
  if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
  return response.json();
}

// 1. Through the proxy: this server adds the key; the browser never sees it.
fetch(`/iqra${path}`)
  .then(json)
  .then((page) => show('proxy-list', page.data))
  .catch((error) => fail('proxy-list', error));

// 2. With a short-lived client token (conversations: read), straight to Iqra (needs CORS_ORIGINS).
fetch('/client-token', { method: 'POST' })
  .then(json)
  .then(({ token }) =>
    fetch(`${iqraUrl}/api/v1${path}`, { headers: { Authorization: `Token ${token}` } }),
  )
  .then(json)
  .then((page) => show('token-list', page.data))
  .catch((error) => fail('token-list', error));
